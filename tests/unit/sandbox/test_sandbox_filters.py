"""The pure filter grammar: parsing, precedence, typed comparison, and SDK round-trips."""

from __future__ import annotations

import itertools
import random

import pytest
from imednet.utils.filters import build_filter_string

from imednet_live.sandbox import filters
from imednet_live.sandbox.filters import And, Comparison, FilterSyntaxError, Literal, Or

ITEM = {
    "siteId": 2,
    "siteName": "Mock Site 1",
    "score": 2.5,
    "disabled": False,
    "subjectKey": "01-001",
    "dateCreated": "2024-01-15 09:30:00",
    "visitDate": "2024-03-19",
    "dueDate": None,
    "forms": [{"formId": 1}],
    "keywords": ["alpha", "beta"],
}


def matches(text: str, item: dict[str, object] = ITEM, **kwargs: bool) -> bool:
    return filters.evaluate(filters.parse(text), item, **kwargs)


class TestParse:
    def test_single_comparison(self) -> None:
        assert filters.parse("siteId==2") == Comparison("siteId", "==", Literal("2"))

    @pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "=~"])
    def test_every_operator(self, op: str) -> None:
        node = filters.parse(f"a{op}1")
        assert isinstance(node, Comparison)
        assert node.op == op

    def test_tilde_equals_is_an_alias_for_contains(self) -> None:
        assert filters.parse("a~=x") == filters.parse("a=~x")

    def test_and_binds_tighter_than_or(self) -> None:
        node = filters.parse("a==1,b==2;c==3")
        assert isinstance(node, Or)
        assert node.terms[0] == Comparison("a", "==", Literal("1"))
        assert isinstance(node.terms[1], And)

    def test_word_connectors_equal_symbols(self) -> None:
        assert filters.parse("a==1 and b==2 or c==3") == filters.parse("a==1;b==2,c==3")
        assert filters.parse("a==1 AND b==2") == filters.parse("a==1;b==2")

    def test_parentheses_override_precedence(self) -> None:
        node = filters.parse("(a==1,b==2);c==3")
        assert isinstance(node, And)
        assert isinstance(node.terms[0], Or)

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ('a=="Mock Site 1"', "Mock Site 1"),
            (r'a=="say \"hi\""', 'say "hi"'),
            (r'a=="back\\slash"', "back\\slash"),
            ('a=="x;y,z"', "x;y,z"),
            ('a==""', ""),
        ],
    )
    def test_quoted_values_and_escapes(self, text: str, value: str) -> None:
        node = filters.parse(text)
        assert isinstance(node, Comparison)
        assert node.value == Literal(value, quoted=True)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "siteId",
            "siteId==",
            "==2",
            "a=2",
            'a=="open',
            "a==1;",
            "a==1,,b==2",
            "(a==1",
            "a==1)",
            "a==b c",
            "a==1 b==2",
            "1a==2",
        ],
    )
    def test_malformed_filters_raise(self, text: str) -> None:
        with pytest.raises(FilterSyntaxError):
            filters.parse(text)

    def test_error_names_the_position(self) -> None:
        with pytest.raises(FilterSyntaxError, match="position 10"):
            filters.parse("siteId==2 x")


class TestCompare:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("siteId==2", True),
            ("siteId==2.0", True),
            ("siteId!=2", False),
            ("siteId<3", True),
            ("siteId<=2", True),
            ("siteId>2", False),
            ("siteId>=2", True),
            ("siteId>10", False),  # numeric, not lexical ("2" > "10")
            ("score>2.25", True),
            ("siteId==abc", False),
        ],
    )
    def test_numbers_compare_as_numbers(self, text: str, expected: bool) -> None:
        assert matches(text) is expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("disabled==False", True),
            ("disabled==false", True),
            ("disabled==FALSE", True),
            ("disabled==True", False),
            ("disabled!=True", True),
            ("disabled==maybe", False),
        ],
    )
    def test_booleans_compare_case_insensitively(self, text: str, expected: bool) -> None:
        assert matches(text) is expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("dateCreated>2024-01-15", True),
            ("dateCreated>2024-01-16", False),
            ('dateCreated>"2024-01-15T09:00:00Z"', True),
            ("dateCreated<2024-01-15T10:00:00", True),
            ("dateCreated==2024-01-15T09:30:00", True),
            ("visitDate<2019-03-19", False),
            ("visitDate>=2024-03-19", True),
            ("visitDate<2024-12-01", True),
        ],
    )
    def test_dates_compare_as_dates(self, text: str, expected: bool) -> None:
        assert matches(text) is expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ('siteName=="Mock Site 1"', True),
            ('siteName=="mock site 1"', False),  # equality is case-sensitive
            ("subjectKey==01-001", True),
            ("subjectKey==1-001", False),
            ("siteName=~mock", True),  # contains is case-insensitive
            ('siteName=~"Site 1"', True),
            ("siteName=~zzz", False),
            ("subjectKey>01-000", True),
        ],
    )
    def test_strings(self, text: str, expected: bool) -> None:
        assert matches(text) is expected

    def test_null_values(self) -> None:
        assert matches("dueDate==None")
        assert matches("dueDate==null")
        assert not matches("dueDate!=None")
        assert not matches("dueDate>2020-01-01")

    def test_list_values_match_any_element(self) -> None:
        assert matches("keywords==beta")
        assert not matches("keywords==gamma")
        assert matches("keywords!=gamma")

    def test_unknown_attributes_match_everything_in_filter(self) -> None:
        assert matches("noSuchField==1")
        assert matches("noSuchField==1;siteId==2")
        assert not matches("noSuchField==1;siteId==3")

    def test_missing_attributes_do_not_match_when_asked(self) -> None:
        assert not matches("noSuchField==1", missing_matches=False)
        assert not matches("noSuchField!=1", missing_matches=False)


class TestConnectors:
    @pytest.mark.parametrize(("a", "b", "c"), list(itertools.product([True, False], repeat=3)))
    def test_precedence_truth_table(self, a: bool, b: bool, c: bool) -> None:
        item = {"a": int(a), "b": int(b), "c": int(c)}
        assert filters.evaluate(filters.parse("a==1,b==1;c==1"), item) is (a or (b and c))
        assert filters.evaluate(filters.parse("a==1;b==1,c==1"), item) is ((a and b) or c)
        assert filters.evaluate(filters.parse("a==1 or b==1 and c==1"), item) is (a or (b and c))
        assert filters.evaluate(filters.parse("(a==1,b==1);c==1"), item) is ((a or b) and c)

    def test_drop_attributes_makes_study_terms_redundant(self) -> None:
        # The SDK's list filter plus studyKey: a OR (b AND study) must become a OR b.
        node = filters.drop_attributes(
            filters.parse("subjectKey==01-001,subjectKey==02-002;studyKey==OTHER"), {"studyKey"}
        )
        assert filters.evaluate(node, {"subjectKey": "02-002", "studyKey": "X"})
        assert not filters.evaluate(node, {"subjectKey": "03-003", "studyKey": "X"})
        assert isinstance(
            filters.drop_attributes(filters.parse("studyKey==A"), {"studyKey"}), filters.Always
        )


class TestProperties:
    """Property-style checks over many generated cases (fixed seed: reproducible)."""

    rng = random.Random(20240115)
    ALPHABET = "abcXYZ 019;,()\"\\=<>~!-_.'@"

    def test_sdk_quoting_round_trips(self) -> None:
        for _ in range(500):
            value = "".join(self.rng.choice(self.ALPHABET) for _ in range(self.rng.randint(1, 12)))
            text = build_filter_string({"site_name": value})
            assert matches(text, {"siteName": value}), text
            assert not matches(text, {"siteName": value + "x"}), text

    def test_sdk_generated_connectors(self) -> None:
        keys = ["01-001", "01 002", 'q"uote', "back\\slash"]
        text = build_filter_string({"subject_key": keys, "study_key": "S"})
        node = filters.drop_attributes(filters.parse(text), {"studyKey"})
        for key in keys:
            assert filters.evaluate(node, {"subjectKey": key})
        assert not filters.evaluate(node, {"subjectKey": "other"})

    def test_ordering_operators_are_consistent(self) -> None:
        for _ in range(300):
            x, v = self.rng.randint(-50, 50), self.rng.randint(-50, 50)
            item = {"x": x}
            lt, le = matches(f"x<{v}", item), matches(f"x<={v}", item)
            gt, ge = matches(f"x>{v}", item), matches(f"x>={v}", item)
            eq, ne = matches(f"x=={v}", item), matches(f"x!={v}", item)
            assert (lt, le, gt, ge, eq, ne) == (x < v, x <= v, x > v, x >= v, x == v, x != v)

    def test_not_equal_negates_equal_for_present_scalars(self) -> None:
        samples = [0, 1, 2.5, True, False, "a", "01-001", "2024-01-15", "2024-01-15 09:00:00"]
        literals = ["0", "1", "2.5", "True", "false", "a", "01-001", "2024-01-15", '"x y"']
        for value, literal in itertools.product(samples, literals):
            item = {"v": value}
            assert matches(f"v=={literal}", item) is not matches(f"v!={literal}", item)

    def test_and_or_match_python_semantics(self) -> None:
        for _ in range(300):
            item = {k: self.rng.randint(0, 2) for k in "abcd"}
            terms = [(k, self.rng.randint(0, 2)) for k in self.rng.sample("abcd", 3)]
            conn = [self.rng.choice([";", ","]) for _ in range(2)]
            text = f"{terms[0][0]}=={terms[0][1]}{conn[0]}{terms[1][0]}=={terms[1][1]}" + (
                f"{conn[1]}{terms[2][0]}=={terms[2][1]}"
            )
            truth = [item[k] == v for k, v in terms]
            expr = f"{truth[0]} {'and' if conn[0] == ';' else 'or'} {truth[1]} " + (
                f"{'and' if conn[1] == ';' else 'or'} {truth[2]}"
            )
            assert matches(text, item) is eval(expr), text  # Python: and binds tighter too


MIXED_ITEMS = [
    {"formId": 1},
    {"formId": 2},
    {"formId": True},
    {"formId": "1"},
    {"formId": 1.0},
    {"formId": None},
    {"other": 1},
    {"formId": [1, 3]},
]


@pytest.mark.parametrize(
    "text", ["formId==1", "formId==1,formId==2", "formId==1.0", 'formId=="1"', "formId==true"]
)
def test_the_backends_id_filter_shortcut_agrees_with_the_evaluator(text: str) -> None:
    from imednet_live.sandbox.evaluation import _whole_number_equality, filter_items

    node = filters.parse(text)
    expected = [i for i in MIXED_ITEMS if filters.evaluate(node, i)]
    assert filter_items(MIXED_ITEMS, text, study_scoped=False) == expected
    if text != "formId==true":
        assert _whole_number_equality(node) is not None  # the shortcut really ran
