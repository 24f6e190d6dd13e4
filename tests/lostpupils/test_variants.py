"""Recall and precision of the soundalike match on a labelled list of name pairs.

``data/name_variants.csv`` holds Welsh and English surnames and forenames:
respellings, Welsh and English forms, typing slips, and different names that look
or sound close. Each pair is tried both ways round, as a search for one name that
should (or should not) find the other.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.test import SimpleTestCase

from pontio.lostpupils.phonetic import is_soundalike
from tests.lostpupils.test_phonetic import ISSUE_PAIRS

VARIANTS_CSV = Path(__file__).parent / "data" / "name_variants.csv"
MIN_PAIRS = 200
MIN_RECALL = 0.98


def load_pairs() -> list[dict[str, str]]:
    with VARIANTS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def measure(pairs: list[dict[str, str]]) -> tuple[float, float, list[str]]:
    """Recall, precision and the misclassified searches of the list."""
    found = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
    wrong = []
    for row in pairs:
        expected = row["should_match"] == "1"
        for query, name in (
            (row["name_a"], row["name_b"]),
            (row["name_b"], row["name_a"]),
        ):
            matched = is_soundalike(query, name)
            found[(expected, matched)] += 1
            if matched != expected:
                wrong.append(f"{query} -> {name} ({row['note']})")
    true_positive = found[(True, True)]
    recall = true_positive / (true_positive + found[(True, False)])
    precision = true_positive / (true_positive + found[(False, True)])
    return recall, precision, wrong


class NameVariantListTests(SimpleTestCase):
    def test_the_list_is_well_formed_and_large_enough(self) -> None:
        pairs = load_pairs()
        self.assertGreaterEqual(len(pairs), MIN_PAIRS)
        for row in pairs:
            with self.subTest(row=row):
                self.assertIn(row["should_match"], ("0", "1"))
                self.assertTrue(row["name_a"].strip() and row["name_b"].strip())
                self.assertTrue(row["note"].strip())
        self.assertIn("0", {row["should_match"] for row in pairs})
        unique = {(row["name_a"], row["name_b"]) for row in pairs}
        self.assertEqual(len(unique), len(pairs))

    def test_recall_meets_the_target_and_precision_is_reported(self) -> None:
        recall, precision, wrong = measure(load_pairs())
        print(
            f"\nsoundalike on {VARIANTS_CSV.name}: recall {recall:.3f}, "
            f"precision {precision:.3f}; misclassified: {len(wrong)}"
        )
        self.assertGreaterEqual(recall, MIN_RECALL, wrong)

    def test_every_issue_pair_matches_both_ways(self) -> None:
        labelled = {(row["name_a"], row["name_b"]) for row in load_pairs()}
        for first, second in ISSUE_PAIRS:
            with self.subTest(first=first, second=second):
                self.assertIn((first, second), labelled)
                self.assertTrue(is_soundalike(first, second))
                self.assertTrue(is_soundalike(second, first))
