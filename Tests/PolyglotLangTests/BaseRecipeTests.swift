import XCTest

@testable import PolyglotLab
@testable import PolyglotLang

/// Base models a grid can vary: `load model builtin:KIND seed: N` (another pre-training seed, cached under its own
/// recipe), `pretrain … english_share:` (an English-dominant corpus) and `corrupt` (noisy replies at equal size).
final class BaseRecipeTests: XCTestCase {
    static let tiny =
        "sentences: 300, merges: 100, d_model: 16, layers: 2, heads: 2, ffn: 32, context: 64, steps: 1, batch: 2"

    /// A builtin base of another seed is looked up in the cache under the recipe with that seed, and named for it.
    func testABuiltinBaseOfAnotherSeedIsCachedUnderItsOwnRecipeAndNamed() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("pg-base-seed-\(getpid())")
        setenv("POLYGLOT_CACHE", cache.path, 1)
        defer {
            unsetenv("POLYGLOT_CACHE")
            try? FileManager.default.removeItem(at: cache)
        }
        var recipe = PretrainRecipe(kind: .dense)
        recipe.seed = 3
        let session = makeSession()
        // A small model saved where the seed-3 recipe is cached: loading must find it, not pre-train.
        let saved = cache.appendingPathComponent(recipe.key).path
        let small = pg("pretrain builtin:corpus config: {\(Self.tiny)} seed: 1 save: \"\(saved)\"", session: session)
        XCTAssertNil(small.error)
        let run = pg("let b = load model builtin:dense seed: 3\nb.name", session: session)
        XCTAssertNil(run.error)
        XCTAssertTrue(run.output.contains("\"builtin:dense-s3\""), "\(run.output)")
        XCTAssertNotEqual(PretrainRecipe(kind: .dense).key, recipe.key, "seed 0, the standard base, is another key")
    }

    func testSeedOfAFolderAndABadEnglishShareAreErrorsAtTheirArguments() {
        let folder = pg("load model \"some/folder\" seed: 2")
        XCTAssertEqual(
            folder.error?.components(separatedBy: "\n").first,
            "t.pg:1:32: error: seed: is the pre-training seed of a builtin base; some/folder is a folder")
        let share = pg("pretrain builtin:corpus config: {english_share: 1.5}")
        XCTAssertEqual(
            share.error?.components(separatedBy: "\n").first,
            "t.pg:1:33: error: english_share must be a share between 0 and 1 (exclusive)")
    }

    func testCorruptKeepsTheSizeAndChecksItsShare() {
        let session = makeSession()
        let run = pg(
            """
            let lima = sample((load dataset builtin:lima-mini), n: 40, seed: 1)
            let noisy = corrupt lima share: 0.25 seed: 1
            noisy.items
            noisy
            """, session: session)
        XCTAssertNil(run.error)
        XCTAssertTrue(run.output.contains("40"), "\(run.output)")
        XCTAssertTrue(run.output.joined(separator: "\n").contains("wrong replies 25 %"), "\(run.output)")
        let bad = pg("corrupt lima share: -1", session: session)
        XCTAssertEqual(
            bad.error?.components(separatedBy: "\n").first,
            "t.pg:1:1: error: share must be between 0 and 1, got -1.0")
    }

    func testAnEnglishDominantBaseSaysSoInItsProvenance() {
        let run = pg(
            """
            let b = pretrain builtin:corpus config: {english_share: 0.5, \(Self.tiny)} seed: 1
            b
            """)
        XCTAssertNil(run.error)
        XCTAssertTrue(run.output.joined(separator: "\n").contains("50 % English"), "\(run.output)")
    }

    /// `lanes: 2` pre-trains with other bits, so it is another recipe (cache key, provenance); `lanes: 1` is the
    /// default recipe itself, and more lanes than sequences per step is an error at the argument.
    func testTwoLanesAreARecipeOfTheirOwnAndOneLaneIsTheDefault() {
        var two = PretrainRecipe(kind: .dense)
        two.lanes = 2
        XCTAssertNotEqual(two.key, PretrainRecipe(kind: .dense).key)
        let run = pg(
            """
            let one = pretrain builtin:corpus config: {lanes: 1, \(Self.tiny)} seed: 1
            one
            let b = pretrain builtin:corpus config: {lanes: 2, \(Self.tiny)} seed: 1
            b
            """)
        XCTAssertNil(run.error)
        let text = run.output.joined(separator: "\n")
        XCTAssertEqual(text.components(separatedBy: ", 2 lanes").count, 2, "only the second base says so: \(text)")
        let bad = pg("pretrain builtin:corpus config: {lanes: 3, batch: 2}")
        XCTAssertEqual(
            bad.error?.components(separatedBy: "\n").first,
            "t.pg:1:33: error: lanes (3) must be at most the batch size (2)")
    }
}
