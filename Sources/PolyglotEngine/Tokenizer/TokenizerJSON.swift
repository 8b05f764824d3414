import Foundation

// Hugging Face `tokenizer.json` for byte-level BPE (formats.md §4). Written files use: model BPE with
// vocab ordered by id and merges as "left right" strings (byte-level tokens never contain a space), the
// ByteLevel pre-tokenizer (add_prefix_space false, GPT-2 regex) and decoder, and the special tokens as
// added tokens with special: true, also present in model.vocab so their ids are fixed.
// Readers accept merges as "a b" strings or ["a","b"] pairs, `#version` lines, a ByteLevel pre-tokenizer
// (alone or as the only member of a Sequence) and ByteLevel decoders; anything else is reported as unsupported.

extension BPETokenizer {
    /// Reads a Hugging Face `tokenizer.json` (byte-level BPE).
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.invalidFile(
                path: url.path, location: "1",
                message: "cannot read file: \(error.localizedDescription)")
        }
        try self.init(huggingFaceJSON: data, path: url.path)
    }

    /// Parses `tokenizer.json` content; `path` only labels error messages.
    public convenience init(huggingFaceJSON data: Data, path: String = "tokenizer.json") throws {
        let reader = JSONFieldReader(path: path, data: data)
        let root = try reader.parse()
        let model = try reader.object(root["model"], at: "model")
        let type = try reader.string(model["type"], at: "model.type")
        guard type == "BPE" else { throw reader.error("model.type", "expected \"BPE\", found \"\(type)\"") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key] as? String, !value.isEmpty {
                throw reader.error("model.\(key)", "expected null or \"\" (byte-level BPE), found \"\(value)\"")
            }
        }
        if model["byte_fallback"] as? Bool == true {
            throw reader.error(
                "model.byte_fallback", "expected false: SentencePiece-style byte fallback is not supported")
        }
        try Self.checkByteLevel(root["pre_tokenizer"], reader: reader, at: "pre_tokenizer", list: "pretokenizers")
        try Self.checkByteLevel(root["decoder"], reader: reader, at: "decoder", list: "decoders")

        // Vocabulary: byte-level strings, except added tokens, whose content is literal text.
        let vocab = try reader.object(model["vocab"], at: "model.vocab")
        var added: [(content: String, id: Int)] = []
        if let list = root["added_tokens"], !(list is NSNull) {
            guard let entries = list as? [Any] else { throw reader.error("added_tokens", "expected an array") }
            for (k, entry) in entries.enumerated() {
                let token = try reader.object(entry, at: "added_tokens[\(k)]")
                let content = try reader.string(token["content"], at: "added_tokens[\(k)].content")
                let id = try reader.int(token["id"], at: "added_tokens[\(k)].id")
                added.append((content, id))
            }
        }
        let addedContents = Set(added.map(\.content))
        var entries: [(bytes: [UInt8], id: Int)] = []
        for (token, value) in vocab {
            let id = try reader.int(value, at: "model.vocab[\"\(token)\"]")
            if addedContents.contains(token) { continue }
            guard let bytes = ByteLevelAlphabet.decode(token) else {
                throw reader.error("model.vocab[\"\(token)\"]", "expected a byte-level token (GPT-2 byte alphabet)")
            }
            entries.append((bytes, id))
        }
        entries += added.map { (Array($0.content.utf8), $0.id) }
        if let negative = entries.first(where: { $0.id < 0 }) {
            throw reader.error("model.vocab", "negative id \(negative.id)")
        }
        // Distinct ids contiguous from 0 fill 0..<count exactly, so the first absent one names the problem, and the
        // table sized by them cannot be made huge by one stray id.
        let present = Set(entries.map(\.id))
        if let hole = (0..<present.count).first(where: { !present.contains($0) }) {
            throw reader.error("model.vocab", "ids must be contiguous from 0; id \(hole) is missing")
        }
        var tokenBytes = [[UInt8]?](repeating: nil, count: present.count)
        for entry in entries {
            if let existing = tokenBytes[entry.id], existing != entry.bytes {
                throw reader.error("model.vocab", "id \(entry.id) is used by two different tokens")
            }
            tokenBytes[entry.id] = entry.bytes
        }
        let ids = Dictionary(entries.map { (ByteLevelAlphabet.encode($0.bytes), $0.id) }) { first, _ in first }

        // Merges: "left right" strings or [left, right] pairs; the rank is the position in the list.
        guard let rawMerges = (model["merges"] ?? [Any]()) as? [Any] else {
            throw reader.error("model.merges", "expected an array of \"left right\" strings or [left, right] pairs")
        }
        var merges: [(left: Int32, right: Int32)] = []
        merges.reserveCapacity(rawMerges.count)
        for (k, raw) in rawMerges.enumerated() {
            let parts: [String]
            if let line = raw as? String {
                if line.hasPrefix("#version") { continue }
                parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let pair = raw as? [Any], let strings = pair as? [String] {
                parts = strings
            } else {
                throw reader.error("model.merges[\(k)]", "expected \"left right\" or [\"left\", \"right\"]")
            }
            guard parts.count == 2 else {
                throw reader.error("model.merges[\(k)]", "expected exactly two tokens, found \(parts.count)")
            }
            guard let left = ids[parts[0]], let right = ids[parts[1]] else {
                let missing = ids[parts[0]] == nil ? parts[0] : parts[1]
                throw reader.error("model.merges[\(k)]", "token \"\(missing)\" is not in model.vocab")
            }
            merges.append((Int32(left), Int32(right)))
        }
        do {
            try self.init(
                tokenBytes: tokenBytes.map { $0 ?? [] }, merges: merges, specialIds: added.map(\.id),
                ignoreMerges: model["ignore_merges"] as? Bool ?? false)
        } catch let error as TokenizerError {
            throw reader.error("model", "\(error)")
        }
    }

    /// Accepts null, a ByteLevel component, or a Sequence whose members are all ByteLevel.
    private static func checkByteLevel(_ value: Any?, reader: JSONFieldReader, at key: String, list: String) throws {
        guard let value, !(value is NSNull) else { return }
        let component = try reader.object(value, at: key)
        let type = try reader.string(component["type"], at: "\(key).type")
        if type == "Sequence", let members = component[list] as? [Any] {
            for (k, member) in members.enumerated() {
                try checkByteLevel(member, reader: reader, at: "\(key).\(list)[\(k)]", list: list)
            }
            return
        }
        guard type == "ByteLevel" else {
            throw reader.error(
                "\(key).type", "expected \"ByteLevel\", found \"\(type)\" (only GPT-2 byte-level BPE is supported)")
        }
        // The ByteLevel decoder ignores its options; the pre-tokenizer's must match what is built in.
        guard key.hasPrefix("pre_tokenizer") else { return }
        if component["add_prefix_space"] as? Bool == true {
            throw reader.error("\(key).add_prefix_space", "expected false")
        }
        if component["use_regex"] as? Bool == false {
            throw reader.error("\(key).use_regex", "expected true (the GPT-2 split is built in)")
        }
    }

    // MARK: - Writing

    /// The tokenizer as Hugging Face `tokenizer.json` bytes.
    public func huggingFaceJSON() -> Data {
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        let specials = specialsByLength.sorted { $0.id < $1.id }
        for (k, special) in specials.enumerated() {
            out += k == 0 ? "\n" : ",\n"
            out +=
                "    {\"id\": \(special.id), \"content\": \(Self.jsonString(String(decoding: special.bytes, as: UTF8.self))), "
            out +=
                "\"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}"
        }
        out += specials.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"normalizer\": null,\n"
        let byteLevel =
            "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true}"
        out += "  \"pre_tokenizer\": \(byteLevel),\n  \"post_processor\": null,\n  \"decoder\": \(byteLevel),\n"
        out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
        out += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
        out += "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": \(ignoreMerges),\n"
        out += "    \"vocab\": {"
        for id in 0..<vocabSize {
            let token = (try? tokenString(id)) ?? ""  // ids are in range by construction
            out += (id == 0 ? "\n      " : ",\n      ") + Self.jsonString(token) + ": \(id)"
        }
        out += "\n    },\n    \"merges\": ["
        for (k, merge) in merges.enumerated() {
            let line =
                ByteLevelAlphabet.encode(tokenBytes[Int(merge.left)]) + " "
                + ByteLevelAlphabet.encode(tokenBytes[Int(merge.right)])
            out += (k == 0 ? "\n      " : ",\n      ") + Self.jsonString(line)
        }
        out += merges.isEmpty ? "]\n  }\n}\n" : "\n    ]\n  }\n}\n"
        return Data(out.utf8)
    }

    /// Writes `tokenizer.json` atomically (`atomicWrite`).
    public func write(to url: URL) throws {
        try atomicWrite(huggingFaceJSON(), to: url)
    }

    static func jsonString(_ s: String) -> String { JSONText.quoted(s) }
}

/// Typed access to parsed JSON with errors that name the file, the position or key path, and what was expected.
struct JSONFieldReader {
    let path: String
    let data: Data

    func parse() throws -> [String: Any] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data)
        } catch {
            let info = (error as NSError).userInfo
            let detail = info["NSDebugDescription"] as? String ?? "\(error)"
            let index = info["NSJSONSerializationErrorIndex"] as? Int
            throw TokenizerError.invalidFile(
                path: path, location: location(index: index, detail: detail),
                message: "invalid JSON (\(detail)); expected a tokenizer.json object")
        }
        guard let object = value as? [String: Any] else {
            throw TokenizerError.invalidFile(
                path: path, location: "1:1", message: "expected a JSON object at the top level")
        }
        return object
    }

    /// "line:column" of a parse error, from the error index or the "character N" / "line L, column C" that
    /// Foundation writes into its message (Linux and Darwin differ); "1" when neither is known.
    private func location(index: Int?, detail: String) -> String {
        func number(after marker: String) -> Int? {
            guard let range = detail.range(of: marker) else { return nil }
            return Int(detail[range.upperBound...].prefix(while: \.isNumber))
        }
        if let line = number(after: "line "), let column = number(after: "column ") { return "\(line):\(column)" }
        guard let offset = index ?? number(after: "character "), offset >= 0, offset <= data.count else { return "1" }
        var line = 1, column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return "\(line):\(column)"
    }

    func error(_ key: String, _ message: String) -> TokenizerError {
        .invalidFile(path: path, location: key, message: message)
    }

    func object(_ value: Any?, at key: String) throws -> [String: Any] {
        guard let object = value as? [String: Any] else { throw error(key, "expected a JSON object") }
        return object
    }

    func string(_ value: Any?, at key: String) throws -> String {
        guard let string = value as? String else { throw error(key, "expected a string") }
        return string
    }

    func int(_ value: Any?, at key: String) throws -> Int {
        guard let number = value as? NSNumber, let int = Int(exactly: number.doubleValue) else {
            throw error(key, "expected an integer")
        }
        return int
    }
}
