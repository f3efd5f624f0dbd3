//! An ESC from input under coloured output (rt16d, low): the rendered
//! text keeps our own colour sequences (`ESC [ ... m`) and escapes every
//! other control character, but a job file's line holding `ESC[8m`
//! (conceal) or `ESC[30;40m` (black on black) is a colour sequence too,
//! and was kept: a line of the excerpt could hide itself. An excerpt is
//! the file's bytes at their offsets (the labels point into them), so
//! input cannot be escaped before miette lays it out; instead each ESC
//! from input is swapped for one control character no input text of the
//! run holds, of the same length, before rendering, and that character
//! is shown as the escape of ESC after it ([`crate::escape::terminal_output_with`]).

use std::sync::Arc;

use super::Diag;
use crate::source::SourceFile;

/// How a run of diagnostics is rendered with colour.
pub(super) enum Colored {
    /// No ESC in any input text: rendered as it is.
    AsIs,
    /// Each ESC from input stands as the character given.
    StandIn(Vec<Diag>, char),
    /// Every candidate character is in the input too: rendered without
    /// colour, where every control character is escaped.
    Plain,
}

/// The input texts of `d`: what a rendering quotes.
fn texts(d: &Diag) -> impl Iterator<Item = &str> {
    std::iter::once(d.message.as_str())
        .chain(d.help.as_deref())
        .chain(d.labels.iter().filter_map(|l| l.text.as_deref()))
        .chain(d.source.as_ref().map(|s| &*s.text))
        .chain(d.source.as_ref().map(|s| s.name.as_str()))
}

pub(super) fn colored(diags: &[Diag]) -> Colored {
    let holds = |c: char| diags.iter().any(|d| texts(d).any(|t| t.contains(c)));
    if !holds('\x1b') {
        return Colored::AsIs;
    }
    // C0 controls other than tab, newline, CR and ESC: each is escaped
    // when shown, and one byte long, as ESC is.
    let Some(stand_in) = ('\x01'..='\x1f')
        .filter(|c| !matches!(c, '\t' | '\n' | '\r' | '\x1b'))
        .find(|c| !holds(*c))
    else {
        return Colored::Plain;
    };
    let swap = |s: &str| s.replace('\x1b', &stand_in.to_string());
    let swapped = diags
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.message = swap(&d.message);
            d.help = d.help.as_deref().map(swap);
            for l in &mut d.labels {
                l.text = l.text.as_deref().map(swap);
            }
            d.source = d.source.as_ref().map(|s| {
                if s.text.contains('\x1b') || s.name.contains('\x1b') {
                    let text: Arc<str> = swap(&s.text).into();
                    let text: Arc<str> = match s.bom {
                        true => format!("\u{feff}{text}").into(),
                        false => text,
                    };
                    SourceFile::new(s.origin.clone(), swap(&s.name), text)
                } else {
                    s.clone()
                }
            });
            d
        })
        .collect();
    Colored::StandIn(swapped, stand_in)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stand_in_is_a_character_no_input_holds_else_no_colour() {
        let d = |m: &str| Diag::error("t", m);
        assert!(matches!(colored(&[d("plain")]), Colored::AsIs));
        match colored(&[d("a\x1b[8m\x01b")]) {
            Colored::StandIn(swapped, c) => {
                assert_eq!(c, '\x02');
                assert_eq!(swapped[0].message, "a\x02[8m\x01b");
            }
            _ => panic!("an ESC gets a stand-in"),
        }
        // Every candidate in the input: rendered without colour.
        let all: String = ('\x01'..='\x1f').collect();
        assert!(matches!(colored(&[d(&all)]), Colored::Plain));
    }
}
