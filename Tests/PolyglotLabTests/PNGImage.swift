import Foundation
import XCTest

/// An 8-bit RGBA image decoded from a PNG, row by row from the top left.
struct PNGImage {
    let width: Int
    let height: Int
    /// `width × height × 4` bytes: red, green, blue, alpha.
    let rgba: [UInt8]

    func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
    }

    static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile)
    }

    /// Decodes with a standard-library Python snippet (zlib; colour types 2 and 6, no interlacing), which
    /// spares the tests a PNG dependency. Skips when python3 is absent; throws when the file is not such a PNG.
    static func decode(_ url: URL) throws -> PNGImage {
        guard let python else { throw XCTSkip("python3 not found; the PNG's pixels cannot be inspected") }
        let script = """
            import sys, zlib, struct
            data = open(sys.argv[1], 'rb').read()
            pos, idat, w, h, ct = 8, b'', 0, 0, 0
            while pos < len(data):
                n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
                if kind == b'IHDR': w, h, depth, ct = struct.unpack('>IIBB', body[:10])
                elif kind == b'IDAT': idat += body
            bpp = {2: 3, 6: 4}[ct]; raw = zlib.decompress(idat); stride = w * bpp
            prev = bytearray(stride); out = bytearray(); i = 0
            for y in range(h):
                f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
                if f == 2: line = bytearray((p + q) & 255 for p, q in zip(line, prev))
                elif f != 0:
                    for x in range(stride):
                        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                        if f == 1: line[x] = (line[x] + a) & 255
                        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                        else:
                            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                out += line if bpp == 4 else b''.join(bytes(line[x:x + 3]) + b'\\xff' for x in range(0, stride, 3))
                prev = line
            sys.stdout.buffer.write(b'%d %d\\n' % (w, h) + bytes(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let newline = out.firstIndex(of: 0x0A) else {
            throw PNGError("could not decode \(url.path)")
        }
        let header = String(decoding: out[out.startIndex..<newline], as: UTF8.self)
        let size = header.split(separator: " ").compactMap { Int($0) }
        let pixels = [UInt8](out[(newline + 1)...])
        guard size.count == 2, pixels.count == size[0] * size[1] * 4 else {
            throw PNGError("\(url.path): truncated pixel data")
        }
        return PNGImage(width: size[0], height: size[1], rgba: pixels)
    }
}

struct PNGError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
