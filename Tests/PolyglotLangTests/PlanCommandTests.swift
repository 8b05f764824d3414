// `plan`: the grid as a cluster bundle. What the jobs read must hold literal Slurm values, one config per cell
// with the recipe's global batch shared by the GPUs, and a cost computed from the cells' tokens.

import Foundation
import XCTest
@testable import PolyglotEngine
@testable import PolyglotLab
@testable import PolyglotLang

final class PlanCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try LabModel.fresh(preset: "tiny-dense", seed: 3, name: "tiny").save(to: folder.appendingPathComponent("base"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func text(_ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("bundle/\(path)"), encoding: .utf8)
    }

    func testTwoNodesOfEightGPUsTwoSeeds() throws {
        let run = pg(
            """
            let lima = sample((load dataset builtin:lima-mini), n: 8, seed: 1)
            let cells = plan bases: {tiny: "\(folder.path)/base", hub: "org/some-7b"} data: {lima: compositions(lima)} comps: ["EN", "DEFRITES"] seeds: [1, 2] epochs: 3 lr: 2e-4 batch: 32 gpus: 8 nodes: 2 throughput: {tiny: 1000, hub: 500} to: "\(folder.path)/bundle"
            print len(cells.rows)
            print cells.rows[0]
            print cells.rows[6]
            """)
        XCTAssertNil(run.error, "\(run.output)")
        XCTAssertEqual(run.output.last(where: { $0.hasPrefix("8") }), "8", "2 bases × 2 compositions × 2 seeds")

        let tasks = try text("cells.tsv").split(separator: "\n")
        XCTAssertEqual(tasks.count, 9)
        XCTAssertEqual(
            tasks[1], "0\ttiny-lima-EN-s1\ttiny·lima·EN\t1\tconfigs/tiny-lima-EN-s1.yaml\truns/tiny-lima-EN-s1")
        let job = try text("jobs/tune.sbatch")
        let directives = job.split(separator: "\n").filter { $0.hasPrefix("#SBATCH") }
        XCTAssertTrue(directives.contains("#SBATCH --array=0-7"), "\(directives)")
        XCTAssertTrue(directives.contains("#SBATCH --nodes=2"), "\(directives)")
        XCTAssertTrue(directives.contains("#SBATCH --gpus-per-node=8"), "\(directives)")
        XCTAssertFalse(directives.contains { $0.contains("$") }, "#SBATCH lines are literal: \(directives)")
        XCTAssertTrue(job.contains("--config_file configs/accelerate-zero3.yaml"), job)
        XCTAssertTrue(job.contains("--num_processes $((SLURM_NNODES * 8))"), job)

        // The recipe's 32 conversations per step, over 16 GPUs; warm-up 5 % of the steps.
        let config = try text("configs/tiny-lima-DEFRITES-s2.yaml")
        for line in [
            "seed: 2", "num_train_epochs: 3", "max_steps: -1", "learning_rate: 0.0002",
            "per_device_train_batch_size: 2",
            "assistant_only_loss: true", "bf16: true", "  name: \"tiny·lima·DEFRITES\"", "warmup_steps: 1",
            "max_length: 129", "  system_prompt: false"
        ] {
            XCTAssertTrue(config.contains("\n" + line + "\n"), "\(line) in\n\(config)")
        }
        XCTAssertTrue(try text("configs/hub-lima-EN-s1.yaml").contains("\nmax_length: 2048\n"))
        XCTAssertEqual(try text("configs/chat_template.jinja"), ChatTemplate.jinja)
        // A local base's tokens are counted as tune encodes them; a hub base's are estimated from bytes.
        let base = try LabModel.load(from: folder.appendingPathComponent("base"))
        let lima = try XCTUnwrap(Builtins.dataset("lima-mini"))
        let en = try lima.sample(n: 8, seed: 1).parallel([.en])
        let tokens = try base.trainingSequences(en.trainingExamples(shuffleSeed: nil), systemPrompt: false)
            .reduce(0) { $0 + min($1.tokens.count, 129) }
        let row = try XCTUnwrap(run.output.first { $0.contains("tiny·lima·EN") && $0.contains("tokens_per_epoch") })
        XCTAssertTrue(row.contains("tokens_per_epoch: \(tokens)"), "\(row), expected \(tokens) tokens")
        let hours = Double(tokens * 3) / 1000 / 3600
        XCTAssertTrue(row.contains("gpu_hours: \(Value.format(hours))"), "\(row), expected \(hours)")
        XCTAssertTrue(try text("README.md").contains("estimated as UTF-8 bytes ÷ 3.5"))
    }

    /// `steps:` is TRL's `max_steps`, and the cost counts the epochs those steps make: 8 conversations at batch 4
    /// are 2 steps an epoch, so 5 steps are 2.5 epochs of tokens. Without `seed:` the cell's seed is the session's
    /// next, below 2^32 (a 64-bit one crashed the table before).
    func testStepsBecomeMaxStepsAndTheCostFollowsThem() throws {
        let run = pg(
            """
            let lima = sample((load dataset builtin:lima-mini), n: 8, seed: 1)
            let cells = plan bases: {hub: "org/some-7b"} data: {lima: compositions(lima)} comps: ["EN"] steps: 5 batch: 4 gpus: 1 throughput: 1000 to: "\(folder.path)/bundle"
            print cells.rows[0].steps
            print cells.rows[0].tokens_per_epoch
            print cells.rows[0].gpu_hours
            """)
        XCTAssertNil(run.error, "\(run.output)")
        let configs = try FileManager.default.contentsOfDirectory(
            atPath: folder.appendingPathComponent("bundle/configs").path)
        let cell = try XCTUnwrap(configs.first { $0.hasPrefix("hub-lima-EN-s") }, "\(configs)")
        let seed = try XCTUnwrap(UInt64(cell.dropFirst("hub-lima-EN-s".count).dropLast(".yaml".count)))
        XCTAssertLessThan(seed, 1 << 32)
        let config = try text("configs/\(cell)")
        XCTAssertTrue(config.contains("\nmax_steps: 5\n"), config)
        XCTAssertTrue(try text("README.md").contains("steps 5, lr"))
        let printed = run.output.suffix(3).map { $0 }
        XCTAssertEqual(printed.first, "5")
        let tokens = try XCTUnwrap(Double(printed[printed.startIndex + 1]))
        XCTAssertEqual(printed.last, Value.format(tokens * 2.5 / 1000 / 3600))
    }

    func testMistakesAreErrorsAtTheArgument() throws {
        let setup = "let lima = sample((load dataset builtin:lima-mini), n: 8, seed: 1)\n"
        let uneven = pg(
            setup
                + "plan bases: {hub: \"org/m\"} data: {lima: compositions(lima)} comps: [\"EN\"] batch: 12 gpus: 8 "
                + "to: \"\(folder.path)/bundle\"")
        XCTAssertTrue(uneven.error?.contains("batch 12 is not a multiple of the 8 GPUs") ?? false, "\(uneven)")
        let typo = pg(
            setup + "plan bases: {hub: \"org/m\"} data: {lima: compositions(lima)} comps: [\"ENDEFRITE\"] "
                + "to: \"\(folder.path)/bundle\"")
        XCTAssertTrue(typo.error?.contains("data lima has no composition ENDEFRITE") ?? false, "\(typo)")
        XCTAssertTrue(typo.error?.contains("ENDEFRITES") ?? false, "did you mean: \(typo)")
        let notABundle = pg(
            setup + "plan bases: {hub: \"org/m\"} data: {lima: compositions(lima)} comps: [\"EN\"] "
                + "to: \"\(folder.path)/base\"")
        XCTAssertTrue(notABundle.error?.contains("is not a study bundle") ?? false, "\(notABundle)")
        let bigSeed = pg(
            setup + "plan bases: {hub: \"org/m\"} data: {lima: compositions(lima)} comps: [\"EN\"] "
                + "seeds: [4294967296] to: \"\(folder.path)/bundle\"")
        XCTAssertTrue(bigSeed.error?.contains("seeds must be in 0 ..< 2^32") ?? false, "\(bigSeed)")
    }
}
