// The text of a study bundle's files: TRL configs, accelerate and DeepSpeed configs, the training script, the
// Slurm jobs and the README with the cost estimate. Strings in YAML are written as JSON strings (valid YAML).

import Foundation
import PolyglotEngine

enum BundleFiles {
    static func quoted(_ s: String) -> String { JSONText.quoted(s) }

    /// The hyper-parameters of every cell, in words (the README and each config's header say them).
    static func recipeSummary(_ recipe: TuneOptions) -> String {
        "\(recipe.lengthSummary), lr \(recipe.learningRate), batch \(recipe.batchSize), "
            + (recipe.lora.map { "LoRA rank \($0.rank) alpha \($0.alpha)" } ?? "full fine-tuning")
    }

    // MARK: - configs/

    /// One cell's TRL `SFTConfig` (its field names) and, under `polyglot:`, what train.py needs besides.
    static func trlConfig(
        _ bundle: StudyBundle, cell: BundleCell, cost: CellCost, dataFile: String, systemPrompt: Bool, maxLength: Int
    ) -> String {
        let recipe = bundle.recipe, gpu = bundle.cluster.gpusPerNode > 0
        let lora = recipe.lora.map { "{r: \($0.rank), alpha: \($0.alpha)}" } ?? "null"
        return """
            # \(cell.modelName), seed \(cell.seed): TRL SFTConfig fields, then (under polyglot:) what train.py needs.
            # Written by `polyglot plan`: \(recipeSummary(recipe)); \(cost.examples) conversations, \
            \(cost.tokensPerEpoch) tokens per epoch\(cost.tokensCounted ? "" : " (estimated)").
            output_dir: \(quoted("runs/\(cell.id)"))
            run_name: \(quoted(cell.id))
            seed: \(cell.seed)
            data_seed: \(cell.seed)
            num_train_epochs: \(recipe.epochs)
            max_steps: \(recipe.steps ?? -1)
            learning_rate: \(recipe.learningRate)
            lr_scheduler_type: "cosine"
            warmup_steps: \(cost.warmupSteps)
            weight_decay: 0.0
            adam_beta1: 0.9
            adam_beta2: 0.95
            adam_epsilon: 1.0e-08
            max_grad_norm: 1.0
            per_device_train_batch_size: \(recipe.batchSize / bundle.cluster.processes)
            gradient_accumulation_steps: 1
            max_length: \(maxLength)
            truncation_mode: "keep_start"
            assistant_only_loss: true
            packing: false
            bf16: \(gpu)
            gradient_checkpointing: \(gpu)
            use_cpu: \(!gpu)
            logging_steps: 1
            save_strategy: "no"
            report_to: "none"
            polyglot:
              name: \(quoted(cell.modelName))
              base: \(quoted(cell.base.path))
              data: \(quoted(dataFile))
              provenance: \(quoted(cell.data.data.provenance.description))
              system_prompt: \(systemPrompt)
              lora: \(lora)

            """
    }

    /// Several GPUs or nodes: DeepSpeed ZeRO-3 (the machine counts and ranks come from the command line).
    static let accelerateZeRO3 = """
        # accelerate launch --config_file configs/accelerate-zero3.yaml (jobs/tune.sbatch passes the machines).
        compute_environment: LOCAL_MACHINE
        distributed_type: DEEPSPEED
        deepspeed_config:
          deepspeed_config_file: configs/deepspeed-zero3.json
          zero3_init_flag: true
        machine_rank: 0
        main_training_function: main
        num_machines: 1
        num_processes: 8
        rdzv_backend: static
        same_network: true
        use_cpu: false

        """

    /// One process: a single GPU, or the CPU.
    static func accelerateSingle(cpu: Bool) -> String {
        """
        # accelerate launch --config_file configs/accelerate-single.yaml: one process, \(cpu ? "on the CPU" : "one GPU").
        compute_environment: LOCAL_MACHINE
        distributed_type: "NO"
        mixed_precision: "no"
        num_machines: 1
        num_processes: 1
        use_cpu: \(cpu)

        """
    }

    /// ZeRO-3 with the batch, clipping and precision taken from the TRL config ("auto").
    static let deepSpeedZeRO3 = """
        {
          "bf16": {"enabled": "auto"},
          "zero_optimization": {
            "stage": 3,
            "overlap_comm": true,
            "contiguous_gradients": true,
            "reduce_bucket_size": "auto",
            "stage3_prefetch_bucket_size": "auto",
            "stage3_param_persistence_threshold": "auto",
            "stage3_gather_16bit_weights_on_model_save": true
          },
          "gradient_accumulation_steps": "auto",
          "gradient_clipping": "auto",
          "train_batch_size": "auto",
          "train_micro_batch_size_per_gpu": "auto"
        }

        """

    /// Row k+1 is array task k: what the jobs read.
    static func cellTable(_ cells: [BundleCell]) -> String {
        "task\tid\tmodel\tseed\tconfig\toutput\n"
            + cells.enumerated().map { k, c in
                "\(k)\t\(c.id)\t\(c.modelName)\t\(c.seed)\tconfigs/\(c.id).yaml\truns/\(c.id)\n"
            }.joined()
    }

    static func provenance(_ files: [String: String]) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: files, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    // MARK: - train.py

    /// Why a script and not `trl sft`: a hub base lacks Polyglot's five chat tokens, which must be added and the
    /// embeddings resized before the template is set (TRL's CLI sets a template but adds no tokens); and the tuned
    /// folder gets polyglot.json (name, provenance, system prompt) for `load model`.
    static let trainScript = #"""
        """Tune one cell of a Polyglot study bundle with TRL's SFTTrainer: python train.py configs/CELL.yaml
        (jobs/tune.sbatch runs it under accelerate launch). Written by `polyglot plan`.

        The chat template is Polyglot's (configs/chat_template.jinja); its {% generation %} spans make TRL's
        assistant_only_loss train on every assistant reply and its <|end|>, as Polyglot's loss mask does. A base
        without Polyglot's chat tokens gets them added, and its embeddings resized."""
        import json
        import os
        import sys

        import torch
        import trl
        import yaml
        from datasets import load_dataset
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from trl import SFTConfig, SFTTrainer

        CHAT_TOKENS = ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|pad|>"]
        BUNDLE = os.path.dirname(os.path.abspath(__file__))


        def main():
            if len(sys.argv) != 2:
                sys.exit("usage: train.py configs/CELL.yaml")
            with open(sys.argv[1], encoding="utf-8") as f:
                fields = yaml.safe_load(f)
            cell = fields.pop("polyglot")
            args = SFTConfig(**fields)

            tokenizer = AutoTokenizer.from_pretrained(cell["base"])
            missing = [t for t in CHAT_TOKENS if t not in tokenizer.get_vocab()]
            if missing:
                tokenizer.add_special_tokens({"additional_special_tokens": missing})
            with open(os.path.join(BUNDLE, "configs", "chat_template.jinja"), encoding="utf-8") as f:
                tokenizer.chat_template = f.read()
            tokenizer.eos_token, tokenizer.pad_token = "<|end|>", "<|pad|>"

            dtype = torch.bfloat16 if args.bf16 else torch.float32
            model = AutoModelForCausalLM.from_pretrained(cell["base"], dtype=dtype)
            if missing:
                model.resize_token_embeddings(len(tokenizer))
            if model.config.model_type == "mixtral":
                model.config.output_router_logits = True  # the load-balancing loss, as Polyglot's MoE tuning has
            model.config.eos_token_id, model.config.pad_token_id = tokenizer.eos_token_id, tokenizer.pad_token_id

            peft_config = None
            if cell.get("lora"):
                from peft import LoraConfig  # pip install peft

                projections = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
                peft_config = LoraConfig(r=cell["lora"]["r"], lora_alpha=cell["lora"]["alpha"],
                                         target_modules=projections, lora_dropout=0.0, task_type="CAUSAL_LM")

            data = load_dataset("json", data_files=cell["data"], split="train").select_columns(["messages"])
            trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer,
                                 peft_config=peft_config)
            trainer.train()
            if peft_config is not None:
                trainer.model = trainer.model.merge_and_unload()  # Polyglot reads whole weights, not adapters
            trainer.save_model(args.output_dir)
            trainer.save_state()
            if trainer.is_world_process_zero():
                meta = {
                    "name": cell["name"],
                    "system_prompt": cell["system_prompt"],
                    "provenance": [
                        ["base", cell["base"]], ["data", cell["provenance"]],
                        ["hyper-parameters", f"tuned by TRL {trl.__version__} ({sys.argv[1]})"],
                        ["seed", str(args.seed)],
                    ],
                }
                with open(os.path.join(args.output_dir, "polyglot.json"), "w", encoding="utf-8") as f:
                    json.dump(meta, f, ensure_ascii=False, indent=2)


        if __name__ == "__main__":
            main()

        """#

    // MARK: - jobs/

    /// The lines every job starts its task with: the bundle folder, and the task's row of cells.tsv.
    private static let readCell = """
        set -euo pipefail
        cd "$SLURM_SUBMIT_DIR"
        IFS=$'\\t' read -r TASK ID NAME SEED CONFIG OUTPUT < <(awk -v row=$((SLURM_ARRAY_TASK_ID + 2)) 'NR == row' cells.tsv)
        """

    static func tuneJob(_ bundle: StudyBundle, cells: Int) -> String {
        let c = bundle.cluster, gpu = c.gpusPerNode > 0
        let config = c.processes > 1 ? "configs/accelerate-zero3.yaml" : "configs/accelerate-single.yaml"
        return """
            #!/bin/bash
            # Tunes every cell of the bundle: array task k is row k+1 of cells.tsv, on \(c.nodes) node(s) with \
            \(gpu ? "\(c.gpusPerNode) GPU(s) each" : "the CPU"),
            # one `accelerate launch` (torchrun) per node; the tuned model is a Hugging Face folder runs/ID.
            # Submit from the bundle folder: sbatch jobs/tune.sbatch   (written by `polyglot plan`)
            #SBATCH --job-name=polyglot-tune
            #SBATCH --array=0-\(cells - 1)
            #SBATCH --nodes=\(c.nodes)
            #SBATCH --ntasks-per-node=1
            \(gpu ? "#SBATCH --gpus-per-node=\(c.gpusPerNode)\n" : "")#SBATCH --cpus-per-task=\(c.cpusPerTask)
            #SBATCH --time=\(c.hours):00:00
            #SBATCH --output=logs/tune-%A_%a.out
            \(readCell)
            # The first node leads the rendezvous; each array task its own port, as tasks may share a node.
            export MAIN_NODE=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
            export MAIN_PORT=$((29500 + SLURM_ARRAY_TASK_ID % 1000)) CONFIG
            echo "task $TASK: $NAME seed $SEED ($CONFIG) → $OUTPUT"
            srun --ntasks-per-node=1 bash -c 'accelerate launch --config_file \(config) \\
              --num_machines "$SLURM_NNODES" --num_processes $((SLURM_NNODES * \(max(1, c.gpusPerNode)))) \\
              --machine_rank "$SLURM_NODEID" --main_process_ip "$MAIN_NODE" --main_process_port "$MAIN_PORT" \\
              train.py "$CONFIG"'
            test -f "$OUTPUT/config.json"

            """
    }

    static func answerJob(_ bundle: StudyBundle, cells: Int) -> String {
        let c = bundle.cluster
        let vllm = c.server == .vllm
        let server =
            vllm
            ? "vllm serve \"$OUTPUT\" --served-model-name \"$NAME\" --port \"$PORT\" --seed \"$SEED\""
            : "\"$POLYGLOT\" serve --model \"$OUTPUT\" --port \"$PORT\""
        let bench =
            bundle.benchmark == "builtin:bench"
            ? "let bench = load bench builtin:bench" : "let bench = load bench \(quoted(bundle.benchmark))"
        return """
            #!/bin/bash
            # Answers the benchmark with every tuned model: array task k serves runs/ID of row k+1 of cells.tsv with
            # \(vllm ? "vLLM" : "`polyglot serve`") and lets Polyglot answer through it (FastChat model_answer files in
            # answers/seedSEED/MODEL.jsonl; a re-run resumes). Submit after the tuning array has finished:
            #   sbatch --dependency=afterok:TUNE_JOB_ID jobs/answer.sbatch   (written by `polyglot plan`)
            #SBATCH --job-name=polyglot-answer
            #SBATCH --array=0-\(cells - 1)
            #SBATCH --nodes=1
            #SBATCH --ntasks=1
            \(vllm ? "#SBATCH --gpus-per-node=1\n" : "")#SBATCH --cpus-per-task=\(min(c.cpusPerTask, 8))
            #SBATCH --time=4:00:00
            #SBATCH --output=logs/answer-%A_%a.out
            \(readCell)
            POLYGLOT=${POLYGLOT:-polyglot}
            PORT=$((8100 + SLURM_ARRAY_TASK_ID % 1000))
            \(server) &
            SERVER=$!
            trap 'kill $SERVER 2>/dev/null || true' EXIT
            for _ in $(seq 900); do
              curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break
              kill -0 $SERVER 2>/dev/null || { echo "the server of $OUTPUT ended before answering"; exit 1; }
              sleep 2
            done
            mkdir -p "answers/seed$SEED"
            SCRIPT="logs/answer-$ID.pg"
            cat > "$SCRIPT" <<PG
            \(bench)
            answer llm(url: "http://127.0.0.1:$PORT/v1", model: "$NAME", concurrency: 16) on: bench \
            max_tokens: \(bundle.answerTokens) seed: $SEED to: "$PWD/answers/seed$SEED/$NAME.jsonl"
            PG
            "$POLYGLOT" run "$SCRIPT"

            """
    }

    // MARK: - README.md

    static func readme(_ bundle: StudyBundle, costs: [(cell: BundleCell, cost: CellCost)]) -> String {
        let c = bundle.cluster, recipe = bundle.recipe
        let total = StudyBundle.totalGPUHours(costs)
        let counted = costs.allSatisfy(\.cost.tokensCounted), estimated = costs.allSatisfy { !$0.cost.tokensCounted }
        let runLength =
            recipe.steps.map { "the epochs \($0) steps make (steps ÷ steps per epoch)" } ?? "\(recipe.epochs) epochs"
        let tokenNote =
            counted
            ? "counted with each base's tokenizer and Polyglot's chat template"
            : (estimated ? "" : "counted for local bases; for the others ")
                + "estimated as UTF-8 bytes ÷ \(bundle.cost.bytesPerToken) + 2 per message (the hub tokenizers are "
                + "not read here)"
        let throughputs = bundle.bases.map { "\($0.name) \(Int(bundle.cost.throughput(of: $0))) tokens/s" }
        var rows = costs.map { cell, cost in
            "| \(cell.id) | \(cell.modelName) | \(cost.examples) | \(cost.tokensPerEpoch) | \(cost.steps) | "
                + String(format: "%.2f", cost.gpuHours) + " |"
        }
        rows.append("| **total** | \(costs.count) cells | | | | **\(String(format: "%.1f", total))** |")
        let where_ = c.gpusPerNode > 0 ? "\(c.nodes) node(s) × \(c.gpusPerNode) GPU(s)" : "the CPU of one node"
        let seeds = bundle.seeds.map(String.init).joined(separator: ", ")
        return """
            # Polyglot study bundle

            Written by `polyglot plan`: \(bundle.bases.count) base(s) × \(bundle.data.count) composition(s) × \
            \(bundle.seeds.count) seed(s) = \(costs.count) cells, each tuned with TRL's SFTTrainer on \(where_).

            - bases: \(bundle.bases.map { "\($0.name) = `\($0.path)`" }.joined(separator: ", "))
            - compositions: \(bundle.data.map { "\($0.dataset)·\($0.composition)" }.joined(separator: ", "))
            - seeds: \(seeds)
            - recipe: \(recipeSummary(recipe)); warm-up \(Int(recipe.warmupFraction * 100)) % of the steps, cosine \
            to 0; AdamW β = (0.9, 0.95), ε 1e-8, no weight decay, gradients clipped at 1.0; loss on the assistant's \
            replies only, all turns

            ## Run it

            ```
            pip install trl accelerate deepspeed pyyaml\(recipe.lora == nil ? "" : " peft")\(c.server == .vllm ? " vllm" : "")
            sbatch jobs/tune.sbatch                                  # one array task per cell → runs/ID
            sbatch --dependency=afterok:JOBID jobs/answer.sbatch     # serve each, answer → answers/seedS/MODEL.jsonl
            ```

            Then, in Polyglot (same names as the notebook's `grid`, so the study's tables work unchanged):

            ```
            let bench = load bench \(bundle.benchmark == "builtin:bench" ? "builtin:bench" : "\"\(bundle.benchmark)\"")
            let answers = load answers "answers/seed\(bundle.seeds[0])" bench: bench
            let j = judge answers with: llm(url: "…", model: "gpt-4", key_env: "OPENAI_API_KEY")
            by_lang(j)
            ```

            A tuned model small enough for the CPU also loads whole: `load model "runs/ID"` (a Hugging Face folder).

            ## Files

            | file | what it is |
            |---|---|
            | `data/*.jsonl` | each composition as messages JSONL (TRL's conversational format), with `id` and `lang` per record; `data/provenance.json` says how each was composed |
            | `configs/ID.yaml` | one TRL `SFTConfig` per cell (its field names), plus the cell's base, data, name and LoRA under `polyglot:` |
            | `configs/chat_template.jinja` | Polyglot's chat template; `{% generation %}` marks what is trained |
            | `configs/accelerate-zero3.yaml`, `configs/deepspeed-zero3.json` | several GPUs or nodes: DeepSpeed ZeRO-3 |
            | `configs/accelerate-single.yaml` | one process: one GPU or the CPU |
            | `train.py` | loads the base, adds Polyglot's chat tokens if it lacks them, sets the template, runs `SFTTrainer`, saves the tuned folder with `polyglot.json` |
            | `cells.tsv` | array task → cell id, model name, seed, config, output folder |
            | `jobs/tune.sbatch` | the Slurm array that tunes every cell (one `accelerate launch` per node) |
            | `jobs/answer.sbatch` | the Slurm array that serves each tuned model (\(c.server == .vllm ? "vLLM" : "`polyglot serve`")) and answers \(bundle.benchmark) through it |

            `train.py` is a script rather than `trl sft --config`: TRL's command line sets a chat template but adds no
            tokens, and a hub base needs Polyglot's five chat tokens added and its embeddings resized first.

            ## Cost

            GPU-hours = tokens per epoch × \(runLength) ÷ throughput ÷ 3600. Tokens are \(tokenNote).
            Throughput (training tokens per GPU-second, an assumption to adjust to your GPUs): \
            \(throughputs.joined(separator: ", ")).

            | cell | model | conversations | tokens per epoch | steps | GPU-hours |
            |---|---|---|---|---|---|
            \(rows.joined(separator: "\n"))

            ## Same recipe on both sides, and what differs

            - Loss mask: the same tokens (each reply and its `<|end|>`, every turn); TRL's assistant mask comes from
              the template's `{% generation %}` spans. `make scale-out-check` compares TRL's first-batch loss with
              Polyglot's on the same batch.
            - Chat template and system prompt: the same text; a special-token string typed inside a message stays
              text in Polyglot but becomes the special token in a Hugging Face tokenizer.
            - Batch: per-device batch × GPUs × accumulation = the recipe's \(recipe.batchSize) conversations per step;
              the same number of steps and warm-up steps.
            - Schedule: Polyglot's warm-up gives the first step peak ÷ warm-up steps, transformers' gives it 0, so
              the warm-up is one step later in TRL; both decay by a cosine to 0.
            - Seed: the same number, but the data order is drawn by different generators (PyTorch's, Polyglot's).
            - Precision: bf16 on GPUs (fp32 on the CPU), Polyglot fp32.
            - Sequences longer than `max_length` are cut at the end in both.

            """
    }
}
