"""``tandem match PARTICIPANTS.csv --out MATCHES.csv [--pairs PAIRS.csv] [--weights FILE]
[--lang en|fr] [--cache DIR] [--goals usem|tfidf]``: match from a file alone, no database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .i18n import gettext_for, ngettext_for

STAGES = ("embedding", "scoring", "solving", "explaining", "pairs")


class _ProgressBars:
    """One tqdm bar per stage on stderr, only when stderr is a terminal."""

    def __init__(self, lang: str, enabled: bool) -> None:
        _ = gettext_for(lang)
        self.enabled = enabled
        self.labels = {
            "embedding": _("Embedding goals"),
            "scoring": _("Scoring pairs"),
            "solving": _("Solving"),
            "explaining": _("Explaining"),
            "pairs": _("Writing pairs"),
        }
        self.bar = None
        self.stage: str | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                total=total, desc=self.labels.get(stage, stage), file=sys.stderr, leave=False
            )
        assert self.bar is not None
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def build_parser(lang: str) -> argparse.ArgumentParser:
    _ = gettext_for(lang)
    parser = argparse.ArgumentParser(
        prog="tandem", description=_("Tandem matching from a participants file.")
    )
    commands = parser.add_subparsers(dest="command", required=True)
    match = commands.add_parser(
        "match",
        help=_("Assign mentees to mentors."),
        description=_(
            "Match the most mentees possible and, among those assignments, the highest total score."
        ),
    )
    match.add_argument("participants", type=Path, help=_("The participants CSV file."))
    match.add_argument("--out", type=Path, required=True, help=_("Where to write MATCHES.csv."))
    match.add_argument("--pairs", type=Path, help=_("Also write every allowed pair and its score."))
    match.add_argument("--weights", type=Path, help=_("A JSON weight profile."))
    match.add_argument(
        "--lang", choices=("en", "fr"), default=lang, help=_("Language of the output.")
    )
    match.add_argument(
        "--cache", type=Path, help=_("Directory that keeps goal embeddings between runs.")
    )
    match.add_argument(
        "--goals",
        choices=("usem", "tfidf"),
        default="usem",
        help=_("How goal texts are compared: multilingual encoder or character n-grams."),
    )
    return parser


def _language_from_argv(argv: Sequence[str]) -> str:
    # The language must be known before argparse prints help or errors.
    for position, arg in enumerate(argv):
        if arg == "--lang" and position + 1 < len(argv) and argv[position + 1] in ("en", "fr"):
            return argv[position + 1]
        if arg in ("--lang=en", "--lang=fr"):
            return arg.split("=", 1)[1]
    return "en"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_language_from_argv(argv)).parse_args(argv)
    return match(args)


def match(args: argparse.Namespace) -> int:
    from .api import Matcher
    from .csvio import (
        MATCHES_HEADER,
        PAIRS_HEADER,
        ParticipantsFileError,
        format_score,
        read_participants,
        write_rows,
    )
    from .embedding import DiskCache, make_embedder
    from .model import CRITERIA, EngineError, WeightProfile

    lang = args.lang
    _ = gettext_for(lang)
    n_ = ngettext_for(lang)

    def say(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        parsed = read_participants(args.participants, lang=lang)
    except OSError as error:
        say(
            _("Cannot read %(path)s: %(error)s")
            % {"path": args.participants, "error": error.strerror}
        )
        return 2
    except ParticipantsFileError as error:
        for row_error in error.errors:
            say(row_error.render(lang))
        say(
            n_(
                "%(count)d problem in %(path)s; nothing was written.",
                "%(count)d problems in %(path)s; nothing was written.",
                len(error.errors),
            )
            % {"count": len(error.errors), "path": args.participants}
        )
        return 1
    for warning in parsed.warnings:
        say(_("Warning: %(message)s") % {"message": warning})

    try:
        weights = (
            WeightProfile.from_json(args.weights, lang=lang) if args.weights else WeightProfile()
        )
    except EngineError as error:
        say(str(error))
        return 2

    embedder = make_embedder(args.goals)
    cache_dir = args.cache
    if cache_dir is None:
        import platformdirs

        cache_dir = Path(platformdirs.user_cache_dir("tandem"))
    cache = DiskCache(cache_dir, embedder.name)
    bars = _ProgressBars(lang, enabled=sys.stderr.isatty())
    try:
        matcher = Matcher(
            parsed.pool, weights=weights, embedder=embedder, cache=cache, progress=bars, lang=lang
        )
        solution = matcher.solve(lang=lang, progress=bars)
        by_mentee = {p.mentee_id: p for p in solution.proposals}
        reasons = {u.mentee_id: u.reason for u in solution.unmatched}
        rows = []
        for mentee in parsed.pool.mentees:
            proposal = by_mentee.get(mentee.external_id)
            if proposal is None:
                rows.append(
                    [
                        mentee.external_id,
                        "",
                        "",
                        *([""] * len(CRITERIA)),
                        reasons[mentee.external_id],
                    ]
                )
            else:
                rows.append(
                    [
                        proposal.mentee_id,
                        proposal.mentor_id,
                        format_score(proposal.score),
                        *(format_score(proposal.criteria[c]) for c in CRITERIA),
                        "; ".join(proposal.explanation.sentences),
                    ]
                )
        if args.pairs:
            pairs = (
                [mentee, mentor, format_score(score), *(format_score(v[c]) for c in CRITERIA)]
                for mentee, mentor, score, v in matcher.allowed_pairs(progress=bars)
            )
            pair_count = write_rows(args.pairs, PAIRS_HEADER, pairs)
        write_rows(args.out, MATCHES_HEADER, rows)
    except EngineError as error:
        bars.close()
        say(str(error))
        return 2
    bars.close()
    say(
        _("Matched %(matched)d of %(total)d mentees; total score %(score)s.")
        % {
            "matched": solution.matched_count,
            "total": len(parsed.pool.mentees),
            "score": format_score(solution.total_score),
        }
    )
    say(_("Wrote %(path)s.") % {"path": args.out})
    if args.pairs:
        say(
            n_(
                "Wrote %(count)d allowed pair to %(path)s.",
                "Wrote %(count)d allowed pairs to %(path)s.",
                pair_count,
            )
            % {"count": pair_count, "path": args.pairs}
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
