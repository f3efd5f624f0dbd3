//! mitchellh/colorstring as Nomad's CLI uses it: bracket tags such as
//! `[bold]` become SGR escapes (colour on) or vanish (colour off). User data
//! is embedded before colourising, so values containing tags are affected
//! exactly as in Nomad; reproducing that is the point.

use std::sync::OnceLock;

use regex::Regex;

/// SGR code of a colorstring tag. Case-sensitive, like the Go map lookup.
fn code(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "default" => "39",
        "_default_" => "49",
        "black" => "30",
        "red" => "31",
        "green" => "32",
        "yellow" => "33",
        "blue" => "34",
        "magenta" => "35",
        "cyan" => "36",
        "light_gray" => "37",
        "dark_gray" => "90",
        "light_red" => "91",
        "light_green" => "92",
        "light_yellow" => "93",
        "light_blue" => "94",
        "light_magenta" => "95",
        "light_cyan" => "96",
        "white" => "97",
        "_black_" => "40",
        "_red_" => "41",
        "_green_" => "42",
        "_yellow_" => "43",
        "_blue_" => "44",
        "_magenta_" => "45",
        "_cyan_" => "46",
        "_light_gray_" => "47",
        "_dark_gray_" => "100",
        "_light_red_" => "101",
        "_light_green_" => "102",
        "_light_yellow_" => "103",
        "_light_blue_" => "104",
        "_light_magenta_" => "105",
        "_light_cyan_" => "106",
        "_white_" => "107",
        "bold" => "1",
        "dim" => "2",
        "underline" => "4",
        "blink_slow" => "5",
        "blink_fast" => "6",
        "invert" => "7",
        "hidden" => "8",
        "reset" => "0",
        "reset_bold" => "21",
        _ => return None,
    })
}

fn tag_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // colorstring's pattern is compiled case-insensitively; the lookup is not.
    RE.get_or_init(|| Regex::new(r"(?i)\[[a-z0-9_-]+\]").expect("static regex"))
}

/// Apply colorstring markup. With `color` off, known tags are removed; with it
/// on they become `ESC[<code>m` and, if any tag was known, a final `ESC[0m`
/// is appended. Unknown tags stay verbatim either way.
pub fn colorize(markup: &str, color: bool) -> String {
    let re = tag_regex();
    let mut out = String::with_capacity(markup.len());
    let mut last = 0;
    let mut any_known = false;
    for m in re.find_iter(markup) {
        out.push_str(&markup[last..m.start()]);
        let tag = &markup[m.start() + 1..m.end() - 1];
        match code(tag) {
            Some(c) => {
                any_known = true;
                if color {
                    out.push_str("\u{1b}[");
                    out.push_str(c);
                    out.push('m');
                }
            }
            None => out.push_str(m.as_str()),
        }
        last = m.end();
    }
    out.push_str(&markup[last..]);
    if any_known && color {
        out.push_str("\u{1b}[0m");
    }
    out
}

/// One `Ui.Output` call of the colored Ui Nomad installs in a colour TTY:
/// the (already colourised) message wrapped in output colour 0, plus `\n`.
/// Without colour the plain Ui just appends `\n`.
pub fn output_line(message: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[0m{message}\u{1b}[0m\n")
    } else {
        format!("{message}\n")
    }
}

/// One `Ui.Error` call: bright red in a colour TTY.
pub fn error_line(message: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[91m{message}\u{1b}[0m\n")
    } else {
        format!("{message}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_known_tags_without_color() {
        assert_eq!(colorize("[bold]Job: \"x\"[reset]", false), "Job: \"x\"");
        assert_eq!(colorize("plain", false), "plain");
    }

    #[test]
    fn unknown_and_uppercase_tags_survive() {
        assert_eq!(colorize("[RED]a[foo]b", false), "[RED]a[foo]b");
        assert_eq!(colorize("[RED]a", true), "[RED]a");
        assert_eq!(colorize("x [a.b] y", false), "x [a.b] y");
    }

    #[test]
    fn emits_escapes_and_trailing_reset_with_color() {
        assert_eq!(
            colorize("[green]+[reset] a", true),
            "\u{1b}[32m+\u{1b}[0m a\u{1b}[0m"
        );
        assert_eq!(colorize("[light_yellow]x", true), "\u{1b}[93mx\u{1b}[0m");
    }

    #[test]
    fn user_data_with_tags_is_swallowed_like_nomad() {
        assert_eq!(colorize("image \"[red]x\"", false), "image \"x\"");
    }

    #[test]
    fn colored_ui_wraps_lines() {
        assert_eq!(output_line("a", true), "\u{1b}[0ma\u{1b}[0m\n");
        assert_eq!(output_line("a", false), "a\n");
        assert_eq!(error_line("e", true), "\u{1b}[91me\u{1b}[0m\n");
    }
}
