import CHTSlib

/// htslib writes its own warnings to stderr; plrp reports problems itself, in one line, so they are silenced.
enum HTSLog {
    static let silenced: Void = { hts_set_log_level(HTS_LOG_OFF) }()
}
