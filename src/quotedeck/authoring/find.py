"""Finding the passage a curator half remembers, in the deck's texts.

Each text gets a word index once (lower-cased words, in order). A query is
looked for only where its rarer words occur: windows of the text as long as
the query, ranked by the weight of the query words they hold, and the best
few scored with rapidfuzz. Word order, case, a wrong or a missing word
matter little; the work grows with how often the query's words occur, not
with the text's length times the query's.
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, utils

from quotedeck.authoring.textview import TextView, load_view
from quotedeck.authoring.yaml_quoting import scalar
from quotedeck.problems import Problem
from quotedeck.sources.files import cited_text, is_inside, list_sources
from quotedeck.sources.yamlnodes import MappingNode, ScalarNode, load_yaml, node_location
from quotedeck.verify.texts import WORD, normalize

# How many places of the query's words a search looks at, at most: the rarest words first.
_ANCHOR_BUDGET = 20_000
# How many windows are scored with rapidfuzz, per text.
_CANDIDATES = 24
# How far a passage reaches for a sentence's start or end, in characters.
_REACH = 400
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*(?= )")
_ABBREVIATION = re.compile(r"(?:^|\W)[A-Z][a-z]{0,2}$")  # `Dr.`, `St.`, `A.`: not a sentence's end


@dataclass(frozen=True)
class WordIndex:
    """A text's words in order (as ids of their lower-cased forms) and where each occurs."""

    view: TextView
    vocabulary: dict[str, int]
    words: array[int]
    starts: array[int]
    ends: array[int]
    places: list[array[int]]  # by word id: the word's positions (word numbers), in order

    @classmethod
    def of(cls, view: TextView) -> WordIndex:
        vocabulary: dict[str, int] = {}
        places: list[array[int]] = []
        words, starts, ends = array("i"), array("i"), array("i")
        for number, match in enumerate(WORD.finditer(view.text.normalized)):
            word = match.group().lower()
            word_id = vocabulary.get(word)
            if word_id is None:
                word_id = vocabulary[word] = len(places)
                places.append(array("i"))
            places[word_id].append(number)
            words.append(word_id)
            starts.append(match.start())
            ends.append(match.end())
        return cls(view, vocabulary, words, starts, ends, places)


@dataclass(frozen=True)
class Found:
    """A passage like the query: where it is, how alike, and the text's own words."""

    path: Path
    paragraph: int
    place: str  # as a card would cite it: "paragraph 5", "p. 12", a chapter, "§ Heading"
    similarity: float  # 0 to 100
    passage: str  # whole sentences around the match, as the text has them, whitespace collapsed
    paragraph_text: str
    start: int  # of the passage in the normalised text

    def quote_line(self, whole_paragraph: bool = False) -> str:
        return f"quote: {scalar(self.paragraph_text if whole_paragraph else self.passage)}"


def query_words(query: str) -> list[str]:
    """The words a query is searched by: lower case, as the index keeps them."""
    return [word.lower() for word in WORD.findall(normalize(query))]


def search(query: str, index: WordIndex, limit: int = 3) -> list[Found]:
    """The best `limit` passages of one text, best first."""
    wanted = query_words(query)
    if not wanted:
        return []
    ids = [index.vocabulary.get(word, -1) for word in wanted]
    width = len(wanted) + max(3, len(wanted) // 2)  # room for a word or two the query lacks
    found: dict[int, Found] = {}
    for first in _windows(ids, index, width):
        result = _score(query, wanted, ids, index, first, width)
        if result is not None and (result.start not in found or found[result.start].similarity < result.similarity):
            found[result.start] = result
    return sorted(found.values(), key=lambda f: (-f.similarity, f.start))[:limit]


def search_all(query: str, indexes: list[WordIndex], limit: int = 3) -> list[Found]:
    """The best passages for `query` across every text, best first."""
    results = [found for index in indexes for found in search(query, index, limit)]
    return sorted(results, key=lambda f: -f.similarity)[:limit]  # stable: text order among equals


def _windows(ids: list[int], index: WordIndex, width: int) -> list[int]:
    """The first word numbers of the windows of `width` words that hold the most of the
    query's rarer words (weighted by rarity), a few of them, apart from each other."""
    present = sorted({i for i in ids if i >= 0}, key=lambda i: len(index.places[i]))
    if not present:
        return []
    total = len(index.words)
    anchors: list[int] = []
    budget = _ANCHOR_BUDGET
    for word_id in present:
        if anchors and len(index.places[word_id]) > budget:
            break
        anchors.append(word_id)
        budget -= len(index.places[word_id])
    weight = {i: math.log(1 + total / len(index.places[i])) for i in anchors}
    hits = sorted((place, word_id) for word_id in anchors for place in index.places[word_id])
    counts: Counter[int] = Counter()
    scored: list[tuple[float, int]] = []
    score = 0.0
    right = 0
    for place, word_id in hits:
        while right < len(hits) and hits[right][0] < place + width:
            added = hits[right][1]
            if not counts[added]:
                score += weight[added]
            counts[added] += 1
            right += 1
        scored.append((score, place))
        counts[word_id] -= 1
        if not counts[word_id]:
            score -= weight[word_id]
    scored.sort(key=lambda s: (-s[0], s[1]))
    chosen: list[int] = []
    for _, place in scored:
        if all(abs(place - other) >= width for other in chosen):
            chosen.append(place)
            if len(chosen) == _CANDIDATES:
                break
    return chosen


def _score(query: str, wanted: list[str], ids: list[int], index: WordIndex, first: int, width: int) -> Found | None:
    text = index.view.text
    paragraph = text.paragraph_at(index.starts[first])
    para_start, para_end = text.paragraph_starts[paragraph - 1], text.paragraph_end(paragraph)
    low = max(bisect.bisect_left(index.starts, para_start), first - len(wanted))
    high = min(bisect.bisect_left(index.starts, para_end), first + width + len(wanted))
    span = _densest(set(ids), index, low, high, width)
    if span is None:
        return None
    start, end = index.starts[span[0]], index.ends[span[1]]
    similarity = similarity_of(query, text.normalized[start:end])
    cut_start, cut_end = _sentence_bounds(text.normalized, start, end, para_start, para_end)
    return Found(
        path=text.path,
        paragraph=paragraph,
        place=text.place_name(paragraph),
        similarity=round(similarity, 1),
        passage=index.view.passage(cut_start, cut_end),
        paragraph_text=index.view.passage(para_start, para_end),
        start=cut_start,
    )


def similarity_of(query: str, passage: str) -> float:
    """How alike, 0 to 100: the words in order, or nearly as well (95%) in another order."""
    mine, theirs = utils.default_process(query), utils.default_process(passage)
    return max(fuzz.ratio(mine, theirs), 0.95 * fuzz.token_sort_ratio(mine, theirs))


def _densest(wanted: set[int], index: WordIndex, low: int, high: int, width: int) -> tuple[int, int] | None:
    """The first and last query word of the stretch of at most `width` words, between word
    numbers `low` and `high`, that holds the most different query words."""
    hits = [n for n in range(low, high) if index.words[n] in wanted]
    if not hits:
        return None
    counts: Counter[int] = Counter()
    best = (0, 0, hits[0], hits[0])  # distinct words, minus length, first, last
    right = 0
    for left, place in enumerate(hits):
        while right < len(hits) and hits[right] < place + width:
            counts[index.words[hits[right]]] += 1
            right += 1
        best = max(best, (len(counts), place - hits[right - 1], place, hits[right - 1]))
        word = index.words[hits[left]]
        counts[word] -= 1
        if not counts[word]:
            del counts[word]
    return best[2], best[3]


def _sentence_bounds(normalized: str, start: int, end: int, para_start: int, para_end: int) -> tuple[int, int]:
    """`start`-`end` widened to whole sentences, within the paragraph and a reach."""
    floor = max(para_start, start - _REACH)
    ends_before = sentence_ends(normalized, floor, start)
    if ends_before:
        cut_start = ends_before[-1] + 1
    elif floor == para_start:
        cut_start = para_start
    else:
        cut_start = normalized.find(" ", floor, start) + 1 or start
    ceiling = min(para_end, end + _REACH)
    ends_after = sentence_ends(normalized, max(end - 1, start), ceiling)
    if ends_after:
        cut_end = ends_after[0]
    elif ceiling == para_end:
        cut_end = para_end
    else:
        space = normalized.rfind(" ", end, ceiling)
        cut_end = space if space > 0 else end
    return cut_start, cut_end


def sentence_ends(normalized: str, low: int, high: int) -> list[int]:
    """Where sentences end (after their closing quotes) between `low` and `high`."""
    found = []
    for match in _SENTENCE_END.finditer(normalized, low, high + 1):
        before = normalized[max(low, match.start() - 4) : match.start()]
        if normalized[match.start()] == "." and _ABBREVIATION.search(before):
            continue
        if match.end() <= high:
            found.append(match.end())
    return found


def deck_texts(root: Path) -> list[Path]:
    """The texts the card files cite, then any other `.txt` under `texts/`; each once."""
    paths: list[Path] = []
    for card_file in list_sources(root).card_files:
        node = load_yaml(card_file)
        if not isinstance(node, MappingNode):
            continue
        for key, value in node.value:
            if key.value != "source" or not isinstance(value, MappingNode):
                continue
            for inner_key, inner in value.value:
                if inner_key.value == "text" and isinstance(inner, ScalarNode) and isinstance(inner.value, str):
                    cited = cited_text(card_file, root, inner.value, node_location(card_file, inner))
                    if isinstance(cited, Path):
                        paths.append(cited)
    folder = root / "texts"
    if folder.is_dir():
        paths.extend(p for p in sorted(folder.rglob("*.txt")) if p.is_file() and is_inside(p, root))
    seen: set[Path] = set()
    unique = []
    for path in paths:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique


def load_indexes(paths: list[Path]) -> tuple[list[WordIndex], list[Problem]]:
    """The texts a deck's card files cite, each read and indexed once."""
    indexes, problems = [], []
    for path in paths:
        loaded = load_view(path)
        if isinstance(loaded, Problem):
            problems.append(loaded)
        else:
            indexes.append(WordIndex.of(loaded))
    return indexes, problems
