import FluentKit

/// The fixture migrations in the order they run, each with its file (read as text by the front end).
public let fixtures: [(file: String, migration: any Migration)] = [
    ("F01CreateTeams.swift", F01CreateTeams()),
    ("F02CreateUsers.swift", F02CreateUsers()),
    ("F03CreateStatusEnum.swift", F03CreateStatusEnum()),
    ("F04AddUserStatus.swift", F04AddUserStatus()),
    ("F05AddStatusCase.swift", F05AddStatusCase()),
    ("F06CreateProfiles.swift", F06CreateProfiles()),
    ("F07CreateMemberships.swift", F07CreateMemberships()),
    ("F08CreatePosts.swift", F08CreatePosts()),
    ("F09NamedUnique.swift", F09NamedUnique()),
    ("F10AddUniqueTitle.swift", F10AddUniqueTitle()),
    ("F11DeleteUniqueTitle.swift", F11DeleteUniqueTitle()),
    ("F12UpdateFieldType.swift", F12UpdateFieldType()),
    ("F13DeleteField.swift", F13DeleteField()),
    ("F14DeleteConstraintByName.swift", F14DeleteConstraintByName()),
    ("F15DeleteForeignKey.swift", F15DeleteForeignKey()),
    ("F16Defaults.swift", F16Defaults()),
    ("F17CustomTypes.swift", F17CustomTypes()),
    ("F18IdentityKey.swift", F18IdentityKey()),
    ("F19SchemaInSpace.swift", F19SchemaInSpace()),
    ("F20RawIndex.swift", F20RawIndex()),
    ("F21RawInterpolation.swift", F21RawInterpolation()),
    ("F22SQLKitCreateIndex.swift", F22SQLKitCreateIndex()),
    ("F23SQLKitUniqueIndex.swift", F23SQLKitUniqueIndex()),
    ("F24SQLKitDropIndex.swift", F24SQLKitDropIndex()),
    ("F25SQLKitCreateTable.swift", F25SQLKitCreateTable()),
    ("F26SQLKitAlterTable.swift", F26SQLKitAlterTable()),
    ("F27SQLKitDropTable.swift", F27SQLKitDropTable()),
    ("F28EnumLifecycle.swift", F28EnumLifecycle()),
    ("F29DeleteTable.swift", F29DeleteTable()),
    ("F30MultilineRaw.swift", F30MultilineRaw()),
    ("F31FutureMigration.swift", F31FutureMigration()),
    ("F32CheckConstraint.swift", F32CheckConstraint()),
    ("F33Transaction.swift", F33Transaction()),
    ("F34Branching.swift", F34Branching()),
    ("F35SQLKitUpdate.swift", F35SQLKitUpdate()),
    ("F36SQLKitDelete.swift", F36SQLKitDelete()),
]

/// This folder: the fixture files are read from here.
public let fixturesDirectory: String = {
    let path = #filePath
    return String(path[..<path.lastIndex(of: "/")!])
}()
