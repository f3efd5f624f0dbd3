//! The model against Go's own maps: benches/gomap/main.go's counts,
//! recorded with Go 1.19.8 (hmap, as Nomad 1.2.11–1.4.3 were built) and
//! Go 1.24.3 and 1.26.5 (swiss tables; Nomad 1.9.7 on, 2.0.5's Go).

use super::super::{outcomes_in, Runtime, Shape};
use super::*;

const GO_1_19: &str = include_str!("../../benches/gomap/measured-go1.19.8.txt");
const GO_1_24: &str = include_str!("../../benches/gomap/measured-go1.24.3.txt");
const GO_1_26: &str = include_str!("../../benches/gomap/measured-go1.26.5.txt");

/// One recorded count: `hint H len L trials N (first|last|order) K C`.
struct Measured {
    shape: Shape,
    trials: f64,
    what: String,
    key: Vec<usize>,
    count: f64,
}

fn measured(text: &str, runtime: Runtime) -> Vec<Measured> {
    let num = |w: Option<&str>| {
        w.and_then(|w| w.parse::<usize>().ok())
            .unwrap_or(usize::MAX)
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            let at = |i: usize| w.get(i).copied();
            Measured {
                shape: Shape {
                    runtime,
                    hint: num(at(1)),
                    len: num(at(3)),
                },
                trials: num(at(5)) as f64,
                what: at(6).unwrap_or_default().to_string(),
                key: at(7)
                    .unwrap_or_default()
                    .split(',')
                    .map(|k| num(Some(k)))
                    .collect(),
                count: num(at(8)) as f64,
            }
        })
        .collect()
}

/// What a measured line asks of one iteration order.
fn answer(what: &str, order: &[usize]) -> Vec<usize> {
    match what {
        "first" => order.first().copied().into_iter().collect(),
        "last" => order.last().copied().into_iter().collect(),
        _ => order.to_vec(),
    }
}

/// The model's chance of each answer to `what` for `shape`: exact where
/// enumerated, else the shares of 50,000 of its own draws (and `true`:
/// the tolerance widens for that).
fn modelled(shape: Shape, what: &str) -> (Vec<(Vec<usize>, f64)>, bool) {
    if let Some(list) = outcomes_in(shape, |o| answer(what, &o.collect::<Vec<_>>())) {
        return (list, false);
    }
    let mut rng = SplitMix64::new(shape.hint as u64 * 131 + shape.len as u64);
    let n = 50_000;
    let mut list: Vec<(Vec<usize>, f64)> = Vec::new();
    for _ in 0..n {
        let a = answer(what, &super::super::draw_in(shape, &mut rng));
        match list.iter_mut().find(|(x, _)| *x == a) {
            Some((_, p)) => *p += 1.0 / n as f64,
            None => list.push((a, 1.0 / n as f64)),
        }
    }
    (list, true)
}

/// Every recorded count lies within 5 standard errors of the model.
fn agrees(text: &str, runtime: Runtime) -> usize {
    let mut checked = 0;
    type Answers = (Vec<(Vec<usize>, f64)>, bool);
    let mut known: Vec<((Shape, String), Answers)> = Vec::new();
    for m in measured(text, runtime) {
        assert!(model(m.shape).is_some() || m.shape.small(), "{:?}", m.shape);
        let at = (m.shape, m.what.clone());
        let (list, drawn) = match known.iter().find(|(k, _)| *k == at) {
            Some((_, v)) => v.clone(),
            None => {
                let v = modelled(m.shape, &m.what);
                known.push((at, v.clone()));
                v
            }
        };
        let p: f64 = list
            .iter()
            .filter(|(a, _)| *a == m.key)
            .map(|(_, p)| p)
            .sum();
        let share = m.count / m.trials;
        let widen = if drawn { 2.5 } else { 1.0 };
        let sigma = widen * (p * (1.0 - p) / m.trials).sqrt().max(1e-4);
        assert!(
            (share - p).abs() < 5.0 * sigma,
            "{:?} {} {:?}: measured {share}, model {p}",
            m.shape,
            m.what,
            m.key
        );
        checked += 1;
    }
    checked
}

#[test]
fn hmap_odds_agree_with_go_1_19() {
    assert!(agrees(GO_1_19, Runtime::Buckets) > 200);
}

#[test]
fn swiss_odds_agree_with_go_1_24_and_1_26() {
    assert!(agrees(GO_1_24, Runtime::Swiss) > 200);
    assert!(agrees(GO_1_26, Runtime::Swiss) > 200);
}

/// The red team's case (rt16a R16-11): two entries in a map made with a
/// hint of 10, exactly.
#[test]
fn two_entries_hinted_ten() {
    let first = |runtime| {
        let shape = Shape {
            runtime,
            hint: 10,
            len: 2,
        };
        super::super::first_of_in(&[0, 1], shape)
    };
    assert_eq!(first(Runtime::Buckets), Some(vec![0.6875, 0.3125]));
    assert_eq!(first(Runtime::Swiss), Some(vec![23.0 / 32.0, 9.0 / 32.0]));
    assert_eq!(first(Runtime::Either), None);
}

/// Where the model stops: a hmap growing from 4 buckets, a directory of
/// swiss tables.
#[test]
fn unmodelled_shapes() {
    let shape = |runtime, hint, len| Shape { runtime, hint, len };
    assert_eq!(model(shape(Runtime::Buckets, 20, 27)), None);
    assert_eq!(
        model(shape(Runtime::Buckets, 13, 14)),
        Some(Model::Buckets { b: 2 })
    );
    assert_eq!(model(shape(Runtime::Swiss, 2000, 2)), None);
    assert_eq!(
        model(shape(Runtime::Swiss, 10, 15)),
        Some(Model::Table { cap0: 16, cap: 32 })
    );
    assert!(orders(shape(Runtime::Buckets, 0, 16)).is_none());
}
