// The compact judge prompt: what a judge with a 128-token context can read. One turn's question and the model's
// answer in a short fixed frame, with no system prompt, references or earlier turns, asking for FastChat's
// `[[rating]]`. The LLM judge's requests and the judge training set both use `user(_:answer:turn:)`, so a tuned
// judge is asked exactly what it was trained on.

/// The prompts an LLM judge is asked with.
public enum JudgePromptVariant: String, Sendable, CaseIterable {
    /// The benchmark's FastChat / MT-Bench-X judge prompts: system prompt, references, the whole conversation.
    case fastchat
    /// `CompactJudgePrompt`: the judged turn's question and answer only.
    case compact
}

public enum CompactJudgePrompt {
    /// The frame around a turn's question and answer: 21 tokens of the builtin tokenizer, so the longest question
    /// (50 tokens), a 48-token answer and the reply `[[10]]` fit a 128-token context with the chat markers. The
    /// placeholders are FastChat's names, so a judgment's `user_prompt` gives its answer back (`answer` for turn 1,
    /// `answer_2` for turn 2) as it does for FastChat's prompts.
    static func frame(question: String, answer: String) -> String {
        "Rate A [[1-10]]\nQ: {\(question)}\nA: {\(answer)}"
    }

    static let turnOne = JudgePrompt(
        name: "compact-v1", type: "single", systemPrompt: "", template: frame(question: "question", answer: "answer"),
        outputFormat: "[[rating]]")
    static let turnTwo = JudgePrompt(
        name: "compact-v1-multi-turn", type: "single", systemPrompt: "",
        template: frame(question: "question_2", answer: "answer_2"), outputFormat: "[[rating]]")

    /// The prompt of a turn (1-based): its name is the judge's prompt name in judgments and part of the cache key.
    static func prompt(turn: Int) -> JudgePrompt { turn == 1 ? turnOne : turnTwo }

    /// The compact prompt called `name`, if it is one (a loaded judgment names its prompt).
    static func named(_ name: String) -> JudgePrompt? { [turnOne, turnTwo].first { $0.name == name } }

    /// The user message that asks a judge to grade turn `turn` (1-based) of `answer`, the answer's text of that turn.
    public static func user(_ q: BenchQuestion, answer: String, turn: Int) -> String {
        let question = q.turns.indices.contains(turn - 1) ? q.turns[turn - 1] : ""
        return turn == 1
            ? turnOne.fill(["question": question, "answer": answer])
            : turnTwo.fill(["question_2": question, "answer_2": answer])
    }

    /// The judge's reply for a score, in the format `RatingParser` reads.
    public static func reply(score: Int) -> String { "[[\(score)]]" }
}
