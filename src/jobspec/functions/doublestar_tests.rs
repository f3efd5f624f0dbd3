//! doublestar's own tables run through our walk: matchTests of
//! doublestar_test.go at v1.1.5 and at v1.3.4, the rows TestGlob runs on
//! disk (`testOnDisk`; the symbolic-link rows left out: the memory reader
//! holds none), on the tree TestMain makes, each under its release.

use std::path::{Path, PathBuf};

use super::doublestar::Release;
use super::glob_walk::{GlobWalk, GoErr};
use crate::vfs::{EntryKind, MemVfs};

/// TestMain's files (v1.1.5; v1.3.4 adds `abc/【test】.txt`).
const TREE: &[&str] = &[
    "a/abc",
    "a/b/c/d",
    "a/c/b",
    "abc/b",
    "abcd",
    "abcde",
    "abxbbxdbxebxczzx",
    "abxbbxdbxebxczzy",
    "axbxcxdxe/f",
    "axbxcxdxe/xxx/f",
    "axbxcxdxexxx/f",
    "axbxcxdxexxx/fff",
    "a☺b",
    "b/c",
    "c",
    "x",
    "xxx",
    "z",
    "α",
    "-",
    "]",
];

/// (pattern, testPath, shouldMatch, ErrBadPattern): v1.1.5's rows, each
/// component list joined as testGlobWith's filepath.Join does.
const V1_1_5: &[(&str, &str, bool, bool)] = &[
    (r#"abc"#, r#"abc"#, true, false),
    (r#"*"#, r#"abc"#, true, false),
    (r#"*c"#, r#"abc"#, true, false),
    (r#"a*"#, r#"a"#, true, false),
    (r#"a*"#, r#"abc"#, true, false),
    (r#"a*"#, r#"ab/c"#, false, false),
    (r#"a*/b"#, r#"abc/b"#, true, false),
    (r#"a*/b"#, r#"a/c/b"#, false, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxe/f"#, true, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxexxx/f"#, true, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxe/xxx/f"#, false, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxexxx/fff"#, false, false),
    (r#"a*b?c*x"#, r#"abxbbxdbxebxczzx"#, true, false),
    (r#"a*b?c*x"#, r#"abxbbxdbxebxczzy"#, false, false),
    (r#"ab[c]"#, r#"abc"#, true, false),
    (r#"ab[b-d]"#, r#"abc"#, true, false),
    (r#"ab[e-g]"#, r#"abc"#, false, false),
    (r#"ab[^c]"#, r#"abc"#, false, false),
    (r#"ab[^b-d]"#, r#"abc"#, false, false),
    (r#"ab[^e-g]"#, r#"abc"#, true, false),
    (r#"a\*b"#, r#"ab"#, false, false),
    (r#"a?b"#, r#"a☺b"#, true, false),
    (r#"a[^a]b"#, r#"a☺b"#, true, false),
    (r#"a???b"#, r#"a☺b"#, false, false),
    (r#"a[^a][^a][^a]b"#, r#"a☺b"#, false, false),
    (r#"[a-ζ]*"#, r#"α"#, true, false),
    (r#"*[a-ζ]"#, r#"A"#, false, false),
    (r#"a?b"#, r#"a/b"#, false, false),
    (r#"a*b"#, r#"a/b"#, false, false),
    (r#"[\]a]"#, r#"]"#, true, false),
    (r#"[\-]"#, r#"-"#, true, false),
    (r#"[x\-]"#, r#"x"#, true, false),
    (r#"[x\-]"#, r#"-"#, true, false),
    (r#"[x\-]"#, r#"z"#, false, false),
    (r#"[\-x]"#, r#"x"#, true, false),
    (r#"[\-x]"#, r#"-"#, true, false),
    (r#"[\-x]"#, r#"a"#, false, false),
    (r#"[]a]"#, r#"]"#, false, true),
    (r#"[-]"#, r#"-"#, false, true),
    (r#"[x-]"#, r#"x"#, false, true),
    (r#"[x-]"#, r#"-"#, false, true),
    (r#"[x-]"#, r#"z"#, false, true),
    (r#"[-x]"#, r#"x"#, false, true),
    (r#"[-x]"#, r#"-"#, false, true),
    (r#"[-x]"#, r#"a"#, false, true),
    (r#"\"#, r#"a"#, false, true),
    (r#"[a-b-c]"#, r#"a"#, false, true),
    (r#"["#, r#"a"#, false, true),
    (r#"[^"#, r#"a"#, false, true),
    (r#"[^bc"#, r#"a"#, false, true),
    (r#"a["#, r#"ab"#, false, true),
    (r#"*x"#, r#"xxx"#, true, false),
    (r#"[abc]"#, r#"b"#, true, false),
    (r#"a/**"#, r#"a"#, false, false),
    (r#"a/**"#, r#"a/b"#, true, false),
    (r#"a/**"#, r#"a/b/c"#, true, false),
    (r#"**/c"#, r#"c"#, true, false),
    (r#"**/c"#, r#"b/c"#, true, false),
    (r#"**/c"#, r#"a/b/c"#, true, false),
    (r#"**/c"#, r#"a/b"#, false, false),
    (r#"**/c"#, r#"abcd"#, false, false),
    (r#"**/c"#, r#"a/abc"#, false, false),
    (r#"a/**/b"#, r#"a/b"#, true, false),
    (r#"a/**/c"#, r#"a/b/c"#, true, false),
    (r#"a/**/d"#, r#"a/b/c/d"#, true, false),
    (r#"a/\**"#, r#"a/b/c"#, false, false),
    (r#"a/b/c"#, r#"a/b/c"#, true, false),
    (r#"a/b/c"#, r#"a/b/c"#, true, false),
    (r#"ab{c,d}"#, r#"abc"#, true, false),
    (r#"ab{c,d,*}"#, r#"abcde"#, true, false),
    (r#"ab{c,d}["#, r#"abcd"#, false, true),
    (r#"abc/**"#, r#"abc/b"#, true, false),
    (r#"**/abc"#, r#"abc"#, true, false),
    (r#"abc**"#, r#"abc/b"#, false, false),
];

/// v1.3.4's rows (joinWithoutClean: as written).
const V1_3_4: &[(&str, &str, bool, bool)] = &[
    (r#"abc"#, r#"abc"#, true, false),
    (r#"*"#, r#"abc"#, true, false),
    (r#"*c"#, r#"abc"#, true, false),
    (r#"a*"#, r#"a"#, true, false),
    (r#"a*"#, r#"abc"#, true, false),
    (r#"a*"#, r#"ab/c"#, false, false),
    (r#"a*/b"#, r#"abc/b"#, true, false),
    (r#"a*/b"#, r#"a/c/b"#, false, false),
    (r#"a*b*c*d*e*"#, r#"axbxcxdxe"#, true, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxe/f"#, true, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxexxx/f"#, true, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxe/xxx/f"#, false, false),
    (r#"a*b*c*d*e*/f"#, r#"axbxcxdxexxx/fff"#, false, false),
    (r#"a*b?c*x"#, r#"abxbbxdbxebxczzx"#, true, false),
    (r#"a*b?c*x"#, r#"abxbbxdbxebxczzy"#, false, false),
    (r#"ab[c]"#, r#"abc"#, true, false),
    (r#"ab[b-d]"#, r#"abc"#, true, false),
    (r#"ab[e-g]"#, r#"abc"#, false, false),
    (r#"ab[^c]"#, r#"abc"#, false, false),
    (r#"ab[^b-d]"#, r#"abc"#, false, false),
    (r#"ab[^e-g]"#, r#"abc"#, true, false),
    (r#"a\*b"#, r#"ab"#, false, false),
    (r#"a?b"#, r#"a☺b"#, true, false),
    (r#"a[^a]b"#, r#"a☺b"#, true, false),
    (r#"a???b"#, r#"a☺b"#, false, false),
    (r#"a[^a][^a][^a]b"#, r#"a☺b"#, false, false),
    (r#"[a-ζ]*"#, r#"α"#, true, false),
    (r#"*[a-ζ]"#, r#"A"#, false, false),
    (r#"a?b"#, r#"a/b"#, false, false),
    (r#"a*b"#, r#"a/b"#, false, false),
    (r#"[\]a]"#, r#"]"#, true, false),
    (r#"[\-]"#, r#"-"#, true, false),
    (r#"[x\-]"#, r#"x"#, true, false),
    (r#"[x\-]"#, r#"-"#, true, false),
    (r#"[x\-]"#, r#"z"#, false, false),
    (r#"[\-x]"#, r#"x"#, true, false),
    (r#"[\-x]"#, r#"-"#, true, false),
    (r#"[\-x]"#, r#"a"#, false, false),
    (r#"[]a]"#, r#"]"#, false, true),
    (r#"[-]"#, r#"-"#, false, true),
    (r#"[x-]"#, r#"x"#, false, true),
    (r#"[x-]"#, r#"-"#, false, true),
    (r#"[x-]"#, r#"z"#, false, true),
    (r#"[-x]"#, r#"x"#, false, true),
    (r#"[-x]"#, r#"-"#, false, true),
    (r#"[-x]"#, r#"a"#, false, true),
    (r#"\"#, r#"a"#, false, true),
    (r#"[a-b-c]"#, r#"a"#, false, true),
    (r#"["#, r#"a"#, false, true),
    (r#"[^"#, r#"a"#, false, true),
    (r#"[^bc"#, r#"a"#, false, true),
    (r#"a["#, r#"ab"#, false, true),
    (r#"*x"#, r#"xxx"#, true, false),
    (r#"[abc]"#, r#"b"#, true, false),
    (r#"a/**"#, r#"a"#, false, false),
    (r#"a/**"#, r#"a/b"#, true, false),
    (r#"a/**"#, r#"a/b/c"#, true, false),
    (r#"**/c"#, r#"c"#, true, false),
    (r#"**/c"#, r#"b/c"#, true, false),
    (r#"**/c"#, r#"a/b/c"#, true, false),
    (r#"**/c"#, r#"a/b"#, false, false),
    (r#"**/c"#, r#"abcd"#, false, false),
    (r#"**/c"#, r#"a/abc"#, false, false),
    (r#"a/**/b"#, r#"a/b"#, true, false),
    (r#"a/**/c"#, r#"a/b/c"#, true, false),
    (r#"a/**/d"#, r#"a/b/c/d"#, true, false),
    (r#"a/\**"#, r#"a/b/c"#, false, false),
    (r#"a/b/c"#, r#"a/b//c"#, false, false),
    (r#"ab{c,d}"#, r#"abc"#, true, false),
    (r#"ab{c,d,*}"#, r#"abcde"#, true, false),
    (r#"ab{c,d}["#, r#"abcd"#, false, true),
    (r#"a{,bc}"#, r#"a"#, true, false),
    (r#"a{,bc}"#, r#"abc"#, true, false),
    (r#"a/{b/c,c/b}"#, r#"a/b/c"#, true, false),
    (r#"a/{b/c,c/b}"#, r#"a/c/b"#, true, false),
    (r#"{a/{b,c},abc}"#, r#"a/b"#, true, false),
    (r#"{a/{b,c},abc}"#, r#"a/c"#, true, false),
    (r#"{a/{b,c},abc}"#, r#"abc"#, true, false),
    (r#"{a/{b,c},abc}"#, r#"a/b/c"#, false, false),
    (r#"{a/ab*}"#, r#"a/abc"#, true, false),
    (r#"{a/*}"#, r#"a/b"#, true, false),
    (r#"{a/abc}"#, r#"a/abc"#, true, false),
    (r#"{a/b,a/c}"#, r#"a/c"#, true, false),
    (r#"abc/**"#, r#"abc/b"#, true, false),
    (r#"**/abc"#, r#"abc"#, true, false),
    (r#"abc**"#, r#"abc/b"#, false, false),
    (r#"**/*.txt"#, r#"abc/【test】.txt"#, true, false),
    (r#"**/【*"#, r#"abc/【test】.txt"#, true, false),
];

fn tree(r: Release) -> MemVfs {
    let mut mem = MemVfs::new("t");
    for f in TREE {
        mem.insert(Path::new("test").join(f), "x");
    }
    if r == Release::V1_3_4 {
        mem.insert("test/abc/【test】.txt", "x");
    }
    mem
}

/// Glob("test/" + pattern) as our walk answers it: the paths it matches
/// (folders too, as Glob lists them) and its error.
fn glob(mem: &MemVfs, r: Release, pattern: &str) -> (Vec<String>, GoErr) {
    let enter = |_: &Path| Ok(());
    let start = PathBuf::from("test");
    let Ok(listing) = GlobWalk::new(mem, r, &enter).run(
        start.clone(),
        EntryKind::Folder(start),
        pattern.as_bytes(),
    ) else {
        panic!("{pattern}: no refusal in memory");
    };
    let paths = listing
        .matched
        .iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    (paths, listing.err)
}

fn table(r: Release, rows: &[(&str, &str, bool, bool)]) {
    let mem = tree(r);
    for (pattern, path, should, bad) in rows {
        let (paths, err) = glob(&mem, r, pattern);
        let want = format!("test/{path}");
        assert_eq!(
            paths.contains(&want),
            *should,
            "{r:?} {pattern} {path}: {paths:?}"
        );
        let want_err = if *bad { GoErr::Bad } else { GoErr::Nil };
        assert_eq!(err, want_err, "{r:?} {pattern} {path}");
    }
}

#[test]
fn doublestar_v1_1_5_match_tests_on_disk() {
    table(Release::V1_1_5, V1_1_5);
}

#[test]
fn doublestar_v1_3_4_match_tests_on_disk() {
    table(Release::V1_3_4, V1_3_4);
}

/// v1.3.4's rows with a brace holding a `/` or a brace: v1.1.5 splits the
/// pattern into folders first, so `{a/{b,c},abc}`'s first part `{a` never
/// closes, an ErrBadPattern as soon as a name meets it (the test folder
/// holds some); `{a/b,a/c}`'s parts `{a`, `b,a`, `c}` likewise.
#[test]
fn braces_spanning_folders_are_malformed_for_v1_1_5() {
    let mem = tree(Release::V1_1_5);
    for p in ["{a/{b,c},abc}", "a/{b/c,c/b}", "{a/b,a/c}", "{a/*}"] {
        assert_eq!(glob(&mem, Release::V1_1_5, p).1, GoErr::Bad, "{p}");
        assert_eq!(glob(&mem, Release::V1_3_4, p).1, GoErr::Nil, "{p}");
    }
}

/// Nested braces in one folder: v1.1.5 closes the brace at its first `}`
/// (doublestar.go v1.1.5 matchComponent: indexRuneWithEscaping, then
/// splitPathOnSeparator on `,`), so `{a,{b,c}}` is `a}`, `{b}` or `c}`;
/// v1.3.4 counts the nesting (splitAlternatives): `a`, `b` or `c`.
#[test]
fn nested_braces_as_each_release_reads_them() {
    let mut mem = MemVfs::new("t");
    for f in ["a", "b", "c", "a}", "c}", "d"] {
        mem.insert(Path::new("test").join(f), "x");
    }
    let names = |r| {
        let (mut p, err) = glob(&mem, r, "{a,{b,c}}");
        assert_eq!(err, GoErr::Nil);
        p.sort();
        p
    };
    assert_eq!(names(Release::V1_1_5), ["test/a}", "test/b", "test/c}"]);
    assert_eq!(names(Release::V1_3_4), ["test/a", "test/b", "test/c"]);
    // A class and an escape inside a brace: v1.1.5 ends the brace at the
    // `}` an escape does not hide; both read `[ab]` alike here.
    let (mut p, _) = glob(&mem, Release::V1_1_5, "{[ab],d}");
    p.sort();
    assert_eq!(p, ["test/a", "test/b", "test/d"]);
    let (mut p, _) = glob(&mem, Release::V1_3_4, "{[ab],d}");
    p.sort();
    assert_eq!(p, ["test/a", "test/b", "test/d"]);
}

/// v1.1.5's star steps by the width of the character it starts at;
/// v1.3.4's by each character's (doublestar.go matchComponent at each
/// tag). Bytes that are no UTF-8 are one U+FFFD each, as Go decodes.
#[test]
fn the_star_steps_as_each_release_does() {
    use super::doublestar::{match_v115, match_v134, Budget};
    let old = |p: &str, n: &[u8]| match_v115(p.as_bytes(), n, &mut Budget(1000)) == Ok(true);
    let new = |p: &str, n: &[u8]| matches!(match_v134(p.as_bytes(), n, &mut Budget(1000)), Ok(Some(r)) if r.is_empty());
    assert!(!old("*.txt", "éa.txt".as_bytes()));
    assert!(new("*.txt", "éa.txt".as_bytes()));
    assert!(old("*.txt", "é.txt".as_bytes()));
    assert!(old("*.txt", "éab.txt".as_bytes()));
    assert!(new("a*x", "a€bx".as_bytes()));
    assert!(!old("a*x", "a€bx".as_bytes()));
    assert!(old("?.txt", b"\xff.txt"));
    assert!(new("[^a].txt", b"\xff.txt"));
    assert!(new("x{,y}", b"x"));
    assert!(!old("x{,y}", b"x"));
}

/// Braces that multiply stop at the budget, never hang.
#[test]
fn multiplying_braces_spend_the_budget() {
    use super::doublestar::{match_v115, match_v134, Budget, Stop};
    let p = "{,}".repeat(40) + "x";
    let name = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    assert_eq!(
        match_v115(p.as_bytes(), name, &mut Budget(10_000)),
        Err(Stop::Spent)
    );
    assert_eq!(
        match_v134(p.as_bytes(), name, &mut Budget(10_000)),
        Err(Stop::Spent)
    );
}

/// go.mod: doublestar v1.1.5 through v1.11.1, v1.3.4 from v1.11.2.
#[test]
fn the_release_changes_at_nomad_1_11_2() {
    use crate::version::NomadVersion as V;
    assert_eq!(Release::of(V::new(1, 0, 0)), Release::V1_1_5);
    assert_eq!(Release::of(V::new(1, 11, 1)), Release::V1_1_5);
    assert_eq!(Release::of(V::new(1, 11, 2)), Release::V1_3_4);
    assert_eq!(Release::of(V::new(2, 0, 5)), Release::V1_3_4);
}

/// v1.3.4's GlobOS splits a leading brace into whole patterns.
#[test]
fn a_leading_brace_makes_patterns_of_its_own() {
    use super::doublestar::{top_alternatives, Stop};
    let t = |p: &str| {
        top_alternatives(p.as_bytes()).map(|v| {
            v.into_iter()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(
        t("{a,b/c}/*.txt"),
        Ok(vec!["a/*.txt".into(), "b/c/*.txt".into()])
    );
    assert_eq!(
        t("{{a,b},c}x"),
        Ok(vec!["ax".into(), "bx".into(), "cx".into()])
    );
    assert_eq!(t("{a,b"), Err(Stop::Bad));
    assert_eq!(t(&("{,}".repeat(20) + "x")), Err(Stop::Spent));
}
