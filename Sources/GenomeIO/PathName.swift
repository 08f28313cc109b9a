/// Path arithmetic on plain strings. (Foundation's NSString path methods trap on some inputs on Linux.)
public enum PathName {
    /// The folder part of `path`: "." for a bare name, "/" for a top-level entry.
    public static func folder(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// `folder/name`, without doubling a trailing slash.
    public static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The last component of `path`.
    public static func base(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `text` usable as part of a file name: letters, digits, `.`, `_` and `-` kept, anything else `_`.
    public static func safe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }
}
