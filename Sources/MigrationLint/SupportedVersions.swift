/// The PostgreSQL major versions the lock model and the rules know: `postgres-version` in the
/// configuration, `--postgres-version` and imported configurations accept these.
public enum SupportedVersions {
    public static let range = 9...19
}
