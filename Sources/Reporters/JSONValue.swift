/// A JSON value whose object members keep the order they are given in, so that output is
/// byte-for-byte stable without a generic encoder.
indirect enum JSONValue {
    case string(String), int(Int), bool(Bool), null
    case array([JSONValue])
    case object([(String, JSONValue)])
}
