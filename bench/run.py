"""quotedeck build against genanki writing the same notes, in one process.

    python bench/run.py --cards 50000            # 5 repeats
    python bench/run.py --cards 1000 --repeats 9
    python bench/run.py --verify-scaling         # quote verification at 1, 5 and 25 MB of text
    python bench/run.py --find                   # `quotedeck find` on a 5 MB text
    python bench/run.py --cards 50000 --profile edit
    python bench/run.py --cards 50000 --texts-as pdf  # the texts printed to PDF by Chromium

For each repeat, in this order: genanki writes the notes (the baseline);
quotedeck builds cold (no cache, no stamp; the lock of the previous build is
there, as in a fresh clone); one card's definition is edited and quotedeck
builds again; quotedeck builds once more with nothing changed. Times are wall
clock around `quotedeck.pipeline.build` and around genanki's Note() and
write_to_file, with the CPU time of the process and of any worker processes
beside them; the garbage collector runs between timed steps, not inside them.

Peak memory is measured in more, untimed, runs of each step, two ways:
tracemalloc (Python allocations of this process; SQLite's own and child
processes' excluded), and PSS (the step alone in a fresh process: the highest
sum of the proportional set sizes of that process and its children, card file
workers and the package writer, sampled every 10 ms; interpreter and libraries
included, pages shared after a fork counted once). genanki's run includes
making the notes' field text, which quotedeck's includes too.

With `--texts-as pdf` the generated texts are printed to PDFs (bench/pdftexts.py)
and the card files cite those; their extraction is done once, before the
timings, and kept: a cold build then deletes the card files' entries and the
stamp but keeps the extracted texts, as a build after `rm -rf build` does.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import os
import pickle
import platform
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import genanki
from generate import AUTHOR, SynthCard, SynthText, cloze_field, edit_one_card, generate

from quotedeck.authoring.find import WordIndex, search
from quotedeck.authoring.textview import view
from quotedeck.model import Kind
from quotedeck.notes.notetypes import NOTETYPES
from quotedeck.pipeline import BuildReport
from quotedeck.problems import Problem
from quotedeck.speed.fast import build
from quotedeck.verify.quotes import QuoteMiss, find_quote
from quotedeck.verify.texts import parse_text

# Ratios to raw genanki that the build must stay under (issue 6).
TARGETS = {"cold": 2.0, "edit": 1.2, "same": 0.2}
MEMORY_TARGET = 2.0
NOW = 1_900_000_000


def genanki_notes(cards: list[SynthCard], texts: list[SynthText]) -> Callable[[Path], None]:
    """A function that writes the cards as genanki is usually driven: Note() per card, write_to_file."""
    models = {
        kind.value: genanki.Model(
            notetype.id,
            notetype.name,
            fields=[{"name": name} for name in notetype.fields],
            templates=[{"name": "Cloze", "qfmt": notetype.front, "afmt": notetype.back}],
            css=notetype.css,
            model_type=genanki.Model.CLOZE,
        )
        for kind, notetype in NOTETYPES.items()
    }
    prepared = []
    for card in cards:
        source = f"{AUTHOR}, “{texts[card.text_index].title}”, paragraph {card.paragraph}"
        quote = cloze_field(card)
        if card.kind == Kind.TERM.value:
            fields = [card.id, quote, card.prompt, "", card.response, source, "", ""]
        else:
            fields = [card.id, card.prompt, quote, card.response, source, "", ""]
        tags = ["bench", f"text-{card.text_index + 1:02d}", f"quotedeck::{card.kind}"]
        prepared.append((models[card.kind], fields, tags))

    def write(path: Path) -> None:
        deck = genanki.Deck(1_234_567_890, "Bench::Synthetic")
        for model, fields, tags in prepared:
            deck.add_note(genanki.Note(model=model, fields=fields, tags=tags))
        genanki.Package(deck).write_to_file(str(path), timestamp=NOW)

    return write


def cpu_seconds() -> float:
    """CPU time of this process and of the worker processes it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(step: Callable[[], object], cpu: list[float]) -> float:
    """The step's wall-clock time; its CPU time is appended to `cpu`."""
    gc.collect()
    start, start_cpu = time.perf_counter(), cpu_seconds()
    step()
    elapsed = time.perf_counter() - start
    cpu.append(cpu_seconds() - start_cpu)
    gc.collect()  # what the step left for the collector is its cost too, but not the next step's
    return elapsed


def peak_memory(step: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def peak_pss(bench: Bench, step: str) -> int:
    """The step's peak memory, run alone in a fresh process: see measure_pss_of."""
    command = [sys.executable, __file__, "--peak-pss-of", step, "--workdir", str(bench.work)]
    command += ["--texts-as", bench.texts_as]
    if bench.jobs:
        command += ["--jobs", str(bench.jobs)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(json.loads(done.stdout)["peak"])


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes: each page it shares counts by its share."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):  # it ended meanwhile
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def measure_pss_of(step: str, work: Path, jobs: int | None, keep_texts: bool) -> None:
    """Run one step in this (fresh) process and print as JSON the highest memory that it and
    its children (card file workers, the package writer) held together, sampled every 10 ms
    as the sum of their proportional set sizes (pages shared after a fork counted once)."""
    source, raw_path = work / "cards_source", work / "raw-genanki.apkg"
    me, peak, done = os.getpid(), 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, sum(_pss(pid) for pid in [me, *_children(me)]))

    sampler = threading.Thread(target=sample, daemon=True)
    if step == "raw":
        with open(work / "cards.pickle", "rb") as handle:
            cards, texts = pickle.load(handle)
        sampler.start()
        genanki_notes(cards, texts)(raw_path)
    else:
        if step == "cold":
            shutil.rmtree(work / "build", ignore_errors=True)
            clear_user_cache(user_cache(work), keep_texts)
        sampler.start()
        build(source, now=NOW + 1000, jobs=jobs)
    done.set()
    sampler.join()
    print(json.dumps({"peak": peak}))


def user_cache(work: Path) -> Path:
    """The benchmark's own user cache folder, where speed/ keeps its entries and stamps."""
    folder = work / "user-cache"
    os.environ["XDG_CACHE_HOME"] = str(folder)
    return folder


def clear_user_cache(folder: Path, keep_texts: bool) -> None:
    """Forget the card files' entries and the stamps; with `keep_texts`, keep the extracted
    texts (`texts/`, shared by every deck and keyed by the file's bytes)."""
    if not keep_texts:
        shutil.rmtree(folder, ignore_errors=True)
        return
    mine = folder / "quotedeck"
    for kept in mine.iterdir() if mine.is_dir() else ():
        if kept.name != "texts":
            shutil.rmtree(kept, ignore_errors=True)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def mb(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


class Bench:
    def __init__(
        self, work: Path, cards: int, text_mb: float, per_file: int, jobs: int | None, texts_as: str = "txt"
    ) -> None:
        self.jobs = jobs
        self.texts_as = texts_as
        self.work = work
        self.source = work / "cards_source"
        self.build_dir = work / "build"
        self.cache_dir = user_cache(work)
        self.raw_path = work / "raw-genanki.apkg"
        started = time.perf_counter()
        self.cards, self.texts = generate(self.source, cards, text_bytes=int(text_mb * 1e6), per_file=per_file)
        size = folder_size(self.source)
        took = time.perf_counter() - started
        print(f"generated {cards} cards, {len(self.texts)} texts, {mb(size)} of sources in {took:.1f} s")
        if texts_as == "pdf":
            self.extract_pdfs()
        self.write_raw = genanki_notes(self.cards, self.texts)
        self.edits = 0
        self.last: BuildReport | None = None

    def extract_pdfs(self) -> None:
        """Print the texts to PDFs, and extract each once into the user cache (untimed by the table)."""
        import pypdf
        from pdftexts import texts_as_pdfs

        from quotedeck.problems import Location
        from quotedeck.speed.extracted import remembered_extract
        from quotedeck.speed.storage import texts_folder

        started = time.perf_counter()
        pdfs = texts_as_pdfs(self.source, self.texts)
        pages = sum(len(pypdf.PdfReader(pdf).pages) for pdf in pdfs)
        size = sum(pdf.stat().st_size for pdf in pdfs)
        print(f"printed them as {len(pdfs)} PDFs, {pages} pages, {mb(size)}, in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for pdf in pdfs:
            extracted = remembered_extract(pdf, pdf.read_bytes(), Location(pdf))
            assert not isinstance(extracted, Problem), extracted
        took = time.perf_counter() - started
        print(f"extracted once into the cache in {took:.2f} s ({folder_size(texts_folder()) / 1e6:.1f} MB kept)")

    def raw(self) -> None:
        self.write_raw(self.raw_path)

    def cold(self) -> None:
        shutil.rmtree(self.build_dir, ignore_errors=True)
        clear_user_cache(self.cache_dir, keep_texts=self.texts_as == "pdf")
        if self.texts_as == "pdf":  # what the table times: a build that finds the texts extracted
            assert len(list((self.cache_dir / "quotedeck" / "texts").iterdir())) >= len(self.texts)
        self.last = build(self.source, now=NOW + self.edits, jobs=self.jobs)

    def edit(self) -> None:
        self.last = build(self.source, now=NOW + self.edits, jobs=self.jobs)

    def same(self) -> None:
        self.last = build(self.source, now=NOW + self.edits, jobs=self.jobs)

    @property
    def output(self) -> Path:
        assert self.last is not None
        return self.last.output

    def next_edit(self) -> None:
        self.edits += 1
        edit_one_card(self.source, self.edits)


def run(args: argparse.Namespace) -> None:
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} (others' work skews times)")
    with tempfile.TemporaryDirectory(prefix="quotedeck-bench-") as tmp:
        bench = Bench(Path(args.workdir or tmp), args.cards, args.text_mb, args.per_file, args.jobs, args.texts_as)
        first = timed(bench.cold, [])  # no lock yet: every card is new
        cached = " but the extracted texts" if args.texts_as == "pdf" else ""
        print(f"first build (no lock, no cache{cached}): {first:.2f} s")
        if args.profile:
            profile(bench, args.profile)
            return
        steps = {"raw": bench.raw, "cold": bench.cold, "edit": bench.edit, "same": bench.same}
        times: dict[str, list[float]] = {key: [] for key in steps}
        cpu: dict[str, list[float]] = {key: [] for key in steps}
        identical, previous = True, ""
        for _ in range(args.repeats):
            for key, step in steps.items():
                if key == "edit":
                    bench.next_edit()
                times[key].append(timed(step, cpu[key]))
                if key == "cold" and previous:  # the inputs of the last build: built from scratch, the same bytes?
                    identical = identical and sha(bench.output) == previous
                if key == "edit":
                    assert bench.last and bench.last.written and len(bench.last.changes.updated) == 1, bench.last
                if key == "same":
                    assert bench.last and bench.last.up_to_date, bench.last
            previous = sha(bench.output)
        report(bench, times, cpu, identical, memory(bench) if not args.no_memory else None)


def memory(bench: Bench) -> dict[str, tuple[int, int | None]]:
    """Each step's peak: (tracemalloc, PSS of a fresh process and its children)."""

    # genanki's run holds the notes' text too (built from the generated cards), as any program driving it must.
    def raw() -> None:
        genanki_notes(bench.cards, bench.texts)(bench.raw_path)

    with open(bench.work / "cards.pickle", "wb") as handle:
        pickle.dump((bench.cards, bench.texts), handle)
    peaks = {}
    for key, step in {"raw": raw, "cold": bench.cold, "edit": bench.edit, "same": bench.same}.items():
        if key == "edit":
            bench.next_edit()
        traced = peak_memory(step)
        if key == "edit":
            bench.next_edit()
        peaks[key] = (traced, peak_pss(bench, key) if key != "same" else None)
    return peaks


def report(
    bench: Bench,
    times: dict[str, list[float]],
    cpu: dict[str, list[float]],
    identical: bool,
    peaks: dict[str, tuple[int, int | None]] | None,
) -> None:
    raw = statistics.median(times["raw"])
    labels = {
        "raw": "raw genanki",
        "cold": "quotedeck cold",
        "edit": "quotedeck, one card edited",
        "same": "quotedeck, nothing changed",
    }
    cited = "PDFs, extraction cached" if bench.texts_as == "pdf" else "text files"
    print(
        f"\n{len(bench.cards)} cards citing {cited}, {len(times['raw'])} repeats, jobs {bench.jobs or 'auto'},"
        " medians (min-max)"
    )
    print(
        f"{'':28} {'time':>8} {'min-max':>15} {'x genanki':>10} {'target':>9} {'CPU':>8}"
        f" {'traced':>9} {'x genanki':>9} {'PSS':>9} {'x genanki':>9}"
    )
    for key, label in labels.items():
        values = times[key]
        median = statistics.median(values)
        ratio = median / raw
        target = TARGETS.get(key)
        verdict = "" if target is None else f"<={target:<4} {'ok' if ratio <= target else 'MISS'}"
        memory = ""
        if peaks:
            for index in (0, 1):
                ours, theirs = peaks[key][index], peaks["raw"][index]
                if ours is None or not theirs:
                    memory += f" {'-':>9} {'':>9}"
                    continue
                miss = key != "raw" and ours / theirs > MEMORY_TARGET
                memory += f" {mb(ours):>9} {ours / theirs:>8.2f}{'!' if miss else 'x'}"
        spread = f"{min(values):.2f}-{max(values):.2f} s"
        used = f"{statistics.median(cpu[key]):.2f} s"
        print(f"{label:28} {median:>6.2f} s {spread:>15} {ratio:>9.2f}x {verdict:>9} {used:>8}{memory}")
    if peaks:
        print(f"(memory: ! marks a peak over {MEMORY_TARGET}x genanki's)")
    ours, raw_size = bench.output.stat().st_size, bench.raw_path.stat().st_size
    lock, cache = (bench.source / "quotedeck.lock").stat().st_size, folder_size(bench.cache_dir)
    print(f"\npackage: quotedeck {mb(ours)} (deflated), raw genanki {mb(raw_size)} (stored)")
    print(f"quotedeck.lock {mb(lock)}, user cache folder {mb(cache)}")
    same = "yes" if identical else "NO"
    print(f"a cold build gives the same bytes as the incremental build of the same inputs: {same}")


def profile(bench: Bench, mode: str) -> None:
    if mode == "edit":
        bench.cold()
        bench.next_edit()
    elif mode == "same":
        bench.cold()
    step = {"cold": bench.cold, "edit": bench.edit, "same": bench.same}[mode]
    profiler = cProfile.Profile()
    gc.collect()
    profiler.runcall(step)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(20)


def verify_scaling(quotes: int, sizes: list[float]) -> None:
    """Normalising texts should cost the same per MB, and finding a quote the same whatever the text size."""
    print(f"quote verification, {quotes} quotes over 20 texts (time per quote excludes normalising)")
    print(f"{'text':>8} {'normalise':>11} {'per MB':>10} {'find':>9} {'per quote':>11}")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="quotedeck-verify-") as tmp:
            cards, _ = generate(Path(tmp), quotes, text_bytes=int(size * 1e6), per_file=quotes // 20)
            raw = [(path, path.read_text(encoding="utf-8")) for path in sorted(Path(tmp, "texts").glob("*.txt"))]
            total = sum(len(text.encode()) for _, text in raw)
            gc.collect()
            start = time.perf_counter()
            texts = [parse_text(path, text) for path, text in raw]
            normalised = time.perf_counter() - start
            random.Random(1).shuffle(cards)
            start = time.perf_counter()
            for card in cards:
                found = find_quote(card.quote, texts[card.text_index])
                assert not isinstance(found, QuoteMiss), found
            searched = time.perf_counter() - start
        print(
            f"{mb(total):>8} {normalised:>9.2f} s {normalised / total * 1e9:>7.1f} ms"
            f" {searched:>7.2f} s {searched / quotes * 1e6:>8.1f} µs"
        )


def find_speed(queries: int, size: float) -> None:
    """`quotedeck find` on one text of `size` MB: the text's first load (reading, normalising,
    indexing), then queries made from generated quotes as a curator half remembers them."""
    with tempfile.TemporaryDirectory(prefix="quotedeck-find-") as tmp:
        cards, _ = generate(Path(tmp), queries, texts=1, text_bytes=int(size * 1e6), per_file=queries)
        path = next(Path(tmp, "texts").glob("*.txt"))
        gc.collect()
        start = time.perf_counter()
        index = WordIndex.of(view(path, path.read_text(encoding="utf-8")))
        loaded = time.perf_counter() - start
    rng = random.Random(1)
    kinds = ("exact", "a wrong word", "a missing word", "swapped halves")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    right: dict[str, int] = dict.fromkeys(kinds, 0)
    for number, card in enumerate(cards):
        kind = kinds[number % len(kinds)]
        words = " ".join(card.quote.replace("…", " ").split()).split(" ")
        if kind == "a wrong word":
            words[rng.randrange(len(words))] = "mistaken"
        elif kind == "a missing word":
            del words[rng.randrange(len(words))]
        elif kind == "swapped halves":
            words = words[len(words) // 2 :] + words[: len(words) // 2]
        gc.collect()
        start = time.perf_counter()
        found = search(" ".join(words), index)
        times[kind].append(time.perf_counter() - start)
        right[kind] += bool(found) and found[0].paragraph == card.paragraph + 1  # the title is paragraph 1
    total = len(index.view.text.normalized.encode())
    print(f"quotedeck find on one text of {mb(total)} ({len(index.words):,} words): first load {loaded:.2f} s")
    print(f"{'query':>16} {'median':>9} {'95th':>9} {'slowest':>9} {'right paragraph':>16}")
    for kind in kinds:
        spent = sorted(times[kind])
        p95 = spent[int(0.95 * (len(spent) - 1))]
        print(
            f"{kind:>16} {statistics.median(spent) * 1e3:>6.1f} ms {p95 * 1e3:>6.1f} ms {spent[-1] * 1e3:>6.1f} ms"
            f" {right[kind]:>7} of {len(spent)}"
        )


def pdf_speed(path: Path | None, pages: int, repeats: int) -> None:
    """Extracting a PDF of prose (printed by headless Chromium unless given) against `pdftotext`
    on the same file, and reading it again through speed/'s cache."""
    import subprocess
    import tempfile

    from quotedeck.extract.formats import extract
    from quotedeck.problems import Location
    from quotedeck.speed.extracted import remembered_extract

    with tempfile.TemporaryDirectory() as folder:
        if path is None:
            path = _print_prose_pdf(Path(folder) / "prose.pdf", pages)
        data = path.read_bytes()

        def timed(step: Callable[[], object]) -> float:
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                step()
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        where = Location(path)
        poppler = timed(lambda: subprocess.run(["pdftotext", str(path), os.devnull], check=True))
        ours = timed(lambda: extract(path, data, where))
        os.environ["XDG_CACHE_HOME"] = folder
        remembered_extract(path, data, where)
        cached = timed(lambda: remembered_extract(path, data, where))
    print(f"{path.name}: pdftotext {poppler:.2f} s, quotedeck's extraction {ours:.2f} s ({ours / poppler:.2f}x),")
    print(f"  read again from the cache {cached:.3f} s (medians of {repeats})")


def _print_prose_pdf(out: Path, pages: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.chromium import chromium, find_chromium
    from tests.support.pdfs import html_page, print_pdf

    executable = find_chromium()
    if executable is None:
        raise SystemExit("printing the PDF needs Chromium (or give --pdf-file)")
    words = [
        "a",
        "person",
        "who",
        "studies",
        "the",
        "texts",
        "reads",
        "slowly",
        "and",
        "returns",
        "to",
        "each",
        "line",
        "many",
        "times",
        "for",
        "the",
        "words",
        "are",
        "few",
        "and",
        "the",
        "meaning",
        "deep",
        "official",
        "figures",
        "of",
        "the",
        "fluffy",
        "reflection",
        "self-control",
        "transformation",
    ]
    rng = random.Random(1)
    body = "".join("<p>" + " ".join(rng.choice(words) for _ in range(120)) + ".</p>" for _ in range(pages * 2))
    with chromium(executable) as tab:
        return print_pdf(tab, html_page(body), out, head="A Running Title")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--text-mb", type=float, default=2.0, help="all texts together [2 MB]")
    parser.add_argument("--per-file", type=int, default=500, help="cards per card file [500]")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    parser.add_argument("--jobs", type=int, help="quotedeck build --jobs [one per core, when there is much to check]")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--texts-as",
        choices=["txt", "pdf"],
        default="txt",
        help="the texts as text files, or printed to PDF by Chromium and extracted once before the timings [txt]",
    )
    parser.add_argument("--peak-pss-of", choices=["raw", "cold", "edit"], help=argparse.SUPPRESS)  # see peak_pss
    parser.add_argument("--profile", choices=["cold", "edit", "same"], help="cProfile one build instead")
    parser.add_argument("--verify-scaling", action="store_true", help="time quote verification at 1, 5, 25 MB")
    parser.add_argument("--quotes", type=int, default=20_000, help="quotes for --verify-scaling")
    parser.add_argument("--find", action="store_true", help="time `quotedeck find` on one text of 5 MB")
    parser.add_argument("--find-mb", type=float, default=5.0, help="the text's size for --find [5 MB]")
    parser.add_argument("--pdf", action="store_true", help="time extracting a PDF of prose against pdftotext")
    parser.add_argument("--pdf-file", type=Path, help="the PDF for --pdf [one printed by Chromium]")
    parser.add_argument("--pdf-pages", type=int, default=500, help="pages of the printed PDF for --pdf [500]")
    args = parser.parse_args()
    if args.pdf:
        pdf_speed(args.pdf_file, args.pdf_pages, 3)
    elif args.peak_pss_of:
        measure_pss_of(args.peak_pss_of, args.workdir, args.jobs, args.texts_as == "pdf")
    elif args.find:
        find_speed(400, args.find_mb)
    elif args.verify_scaling:
        verify_scaling(args.quotes, [1, 5, 25])
    else:
        run(args)


if __name__ == "__main__":
    main()
