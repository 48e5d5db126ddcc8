"""Write a synthetic card source for benchmarks.

    python bench/generate.py /tmp/bench-source --cards 50000

Half the cards are terms, half questions with two clozes. The texts are
hard-wrapped at 72 columns and use curly quotes and apostrophes; about half
the quotes are written with straight ones, and some skip words with `…`, so
that verification does the same work as on a curated deck. The same seed
gives the same files.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

DECK_NAME = "Bench::Synthetic"
AUTHOR = "Bench Author"
WRAP = 72
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "gu", "ri", "ho", "ze", "ba", "ly", "on")
_PLAIN_WORD = re.compile(r"[A-Za-z]+")
_CURLY = str.maketrans({"“": '"', "”": '"', "’": "'"})


@dataclass(frozen=True)
class SynthCard:
    """One generated card, also what the raw-genanki baseline turns into a note."""

    kind: str  # "term" or "question"
    id: str
    prompt: str
    response: str
    quote: str  # as written in the card file
    phrases: tuple[str, ...]  # what to hide, in cloze order
    text_index: int
    paragraph: int  # 1-based, for the citation


@dataclass(frozen=True)
class SynthText:
    title: str
    file_name: str
    paragraphs: list[list[str]]  # each paragraph's words, curly marks included


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def _sentence(rng: random.Random, vocabulary: list[str]) -> list[str]:
    words = rng.choices(vocabulary, k=rng.randint(6, 18))
    words[0] = words[0].capitalize()
    if rng.random() < 0.2 and len(words) > 6:  # a quoted phrase
        start = rng.randint(1, len(words) - 4)
        end = start + rng.randint(1, 3)
        words[start] = "“" + words[start]
        words[end] = words[end] + "”"
    if rng.random() < 0.15:
        i = rng.randrange(len(words) - 1)
        if not words[i].endswith("”"):
            words[i] += "’s"
    if rng.random() < 0.05:
        i = rng.randrange(len(words) - 1)
        words[i : i + 2] = [words[i] + "—" + words[i + 1]]
    words[-1] += "."
    return words


def _text(rng: random.Random, vocabulary: list[str], index: int, size: int) -> SynthText:
    paragraphs: list[list[str]] = []
    written = 0
    while written < size:
        words = [w for _ in range(rng.randint(3, 9)) for w in _sentence(rng, vocabulary)]
        paragraphs.append(words)
        written += sum(len(w.encode()) + 1 for w in words)
    return SynthText(f"Synthetic Text {index + 1}", f"text-{index + 1:02d}.txt", paragraphs)


def _wrapped(words: list[str]) -> str:
    lines: list[str] = []
    line: list[str] = []
    width = 0
    for word in words:
        if line and width + 1 + len(word) > WRAP:
            lines.append(" ".join(line) + " ")  # the trailing space of a text copied from a PDF
            line, width = [], 0
        width += len(word) + (1 if line else 0)
        line.append(word)
    lines.append(" ".join(line))
    return "\n".join(lines)


def _phrase_spans(rng: random.Random, words: list[str], count: int) -> list[tuple[int, int]] | None:
    """`count` spans of 1-2 plain words, sharing no word, so their clozes never overlap."""
    spans: list[tuple[int, int]] = []
    used: set[str] = set()
    for _ in range(40):
        start = rng.randrange(len(words))
        end = min(start + rng.randint(1, 2), len(words))
        chunk = words[start:end]
        folded = {w.casefold() for w in chunk}
        if not all(_PLAIN_WORD.fullmatch(w) for w in chunk) or folded & used:
            continue
        if any(start < e + 1 and s < end + 1 for s, e in spans):  # not touching another
            continue
        spans.append((start, end))
        used |= folded
        if len(spans) == count:
            return sorted(spans)
    return None


def _card(rng: random.Random, vocabulary: list[str], text: SynthText, text_index: int, number: int) -> SynthCard:
    kind = "term" if number % 2 == 0 else "question"
    while True:
        paragraph = rng.randrange(len(text.paragraphs))
        words = text.paragraphs[paragraph]
        length = rng.randint(10, 24)
        if len(words) <= length:
            continue
        start = rng.randrange(len(words) - length)
        window = words[start : start + length]
        elided = length >= 14 and rng.random() < 0.1
        shown = [*window[:5], "…", *window[9:]] if elided else window
        spans = _phrase_spans(rng, shown, 1 if kind == "term" else 2)
        if spans is not None and all("…" not in shown[s:e] for s, e in spans):
            break
    quote = " ".join(shown)
    if rng.random() < 0.5:
        quote = quote.translate(_CURLY)
    phrases = tuple(" ".join(shown[s:e]) for s, e in spans)
    definition = " ".join(rng.choices(vocabulary, k=rng.randint(8, 16))).capitalize() + "."
    if kind == "term":
        prompt = phrases[0]
    else:
        # A question that names its hidden phrase gives it away, and the lint warns of it: no
        # curated deck asks that way, so the question names other words.
        prompt = f"What does {' '.join(rng.choices(vocabulary, k=rng.randint(3, 7)))} say?"
    return SynthCard(kind, f"c{number:07d}", prompt, definition, quote, phrases, text_index, paragraph + 1)


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _card_yaml(card: SynthCard) -> str:
    if card.kind == "term":
        return (
            f"  - term: {_yaml(card.prompt)}\n    definition: {_yaml(card.response)}\n"
            f"    quote: {_yaml(card.quote)}\n    id: {card.id}\n"
        )
    cloze = ", ".join(_yaml(p) for p in card.phrases)
    return (
        f"  - question: {_yaml(card.prompt)}\n    answer: {_yaml(card.response)}\n"
        f"    quote: {_yaml(card.quote)}\n    cloze: [{cloze}]\n    id: {card.id}\n"
    )


def card_file_name(number: int) -> str:
    return f"cards-{number:04d}.yaml"


def generate(
    root: Path, cards: int, *, texts: int = 20, text_bytes: int = 2_000_000, per_file: int = 500, seed: int = 1
) -> tuple[list[SynthCard], list[SynthText]]:
    """Write deck.yaml, `texts` texts of `text_bytes` in all, and `cards` cards in files of `per_file`."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    (root / "texts").mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text(
        f"name: {DECK_NAME}\ndescription: Generated by bench/generate.py.\ntags: [bench]\n", encoding="utf-8"
    )
    synth_texts = [_text(rng, vocabulary, i, text_bytes // texts) for i in range(texts)]
    for text in synth_texts:
        body = "\n\n".join(_wrapped(words) for words in text.paragraphs)
        (root / "texts" / text.file_name).write_text(f" {text.title} \n\n{body}\n", encoding="utf-8")
    made: list[SynthCard] = []
    for file_number, first in enumerate(range(0, cards, per_file)):
        text_index = file_number % texts
        text = synth_texts[text_index]
        batch = [_card(rng, vocabulary, text, text_index, n) for n in range(first, min(first + per_file, cards))]
        head = (
            f"source:\n  text: texts/{text.file_name}\n  title: {text.title}\n  author: {AUTHOR}\n"
            f"tags: [text-{text_index + 1:02d}]\ncards:\n"
        )
        (root / card_file_name(file_number)).write_text(head + "\n".join(map(_card_yaml, batch)), encoding="utf-8")
        made.extend(batch)
    return made, synth_texts


def edit_one_card(root: Path, round_number: int) -> Path:
    """Change the definition of one card in the middle card file, differently each round."""
    files = sorted(root.glob("cards-*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(r'definition: "(Edited \d+\. )?', f'definition: "Edited {round_number}. ', text, count=1)
    if count != 1:
        raise ValueError(f"no term card to edit in {path}")
    path.write_text(edited, encoding="utf-8")
    return path


def cloze_field(card: SynthCard) -> str:
    """The quote with its phrases as `{{cN::…}}`, as quotedeck writes it (first-order approximation)."""
    field = html.escape(" ".join(card.quote.split()), quote=False)
    for number, phrase in enumerate(card.phrases, start=1):
        field = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", f"{{{{c{number}::{phrase}}}}}", field)
    return field


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the card source folder to create")
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--texts", type=int, default=20)
    parser.add_argument("--text-mb", type=float, default=2.0, help="all texts together, in MB")
    parser.add_argument("--per-file", type=int, default=500, help="cards per card file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    made, _ = generate(
        args.out,
        args.cards,
        texts=args.texts,
        text_bytes=int(args.text_mb * 1e6),
        per_file=args.per_file,
        seed=args.seed,
    )
    print(f"wrote {len(made)} cards to {args.out}")


if __name__ == "__main__":
    main()
