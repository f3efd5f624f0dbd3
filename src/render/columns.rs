//! ryanuber/columnize with Nomad's settings (`|` delimiter, two spaces of
//! gutter, `<none>` for empty cells) and Nomad's `formatKV` variant.

/// Lay out `|`-separated rows as Nomad's `formatList` does.
pub fn columnize(rows: &[String]) -> String {
    columnize_with(rows, "  ")
}

/// Nomad's `formatKV`: `Key|Value` rows glued with ` = `.
pub fn format_kv(rows: &[String]) -> String {
    columnize_with(rows, " = ")
}

fn columnize_with(rows: &[String], glue: &str) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.split('|')
                .map(|c| {
                    let t = c.trim();
                    if t.is_empty() {
                        "<none>".to_string()
                    } else {
                        // A cell is one line: a name holding a newline or a
                        // tab (Nomad refuses only a space or NUL in a job
                        // ID, a node name may hold anything) would forge a
                        // row or a column (redteam16 R16-25).
                        crate::escape::one_line(t)
                    }
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            let w = c.chars().count();
            match widths.get_mut(i) {
                Some(slot) => *slot = (*slot).max(w),
                None => widths.push(w),
            }
        }
    }
    let lines: Vec<String> = cells
        .iter()
        .map(|row| {
            let mut line = String::new();
            for (i, c) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(c);
                } else {
                    let w = widths.get(i).copied().unwrap_or(0);
                    line.push_str(c);
                    line.extend(std::iter::repeat_n(' ', w - c.chars().count()));
                    line.push_str(glue);
                }
            }
            line
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_never_breaks_its_line() {
        let rows = vec!["ID|Name".to_string(), "evil\nweb\tx|n\u{202e}1".to_string()];
        assert_eq!(
            columnize(&rows),
            "ID            Name\nevil\\nweb\\tx  n\\u{202e}1"
        );
    }

    #[test]
    fn pads_all_but_last_column() {
        let rows = vec![
            "Alloc ID|Job ID|Task Group".to_string(),
            "725d3b49-d5cf-6ba2-be3d-cb441c10a8b3|webserver|webserver".to_string(),
        ];
        assert_eq!(
            columnize(&rows),
            "Alloc ID                              Job ID     Task Group\n\
             725d3b49-d5cf-6ba2-be3d-cb441c10a8b3  webserver  webserver"
        );
    }

    #[test]
    fn empty_cells_become_none_and_kv_uses_equals() {
        let rows = vec![
            "Name|default-quota".to_string(),
            "Description| ".to_string(),
        ];
        assert_eq!(
            format_kv(&rows),
            "Name        = default-quota\nDescription = <none>"
        );
    }

    #[test]
    fn widths_count_runes() {
        let rows = vec!["é|x".to_string(), "ab|y".to_string()];
        assert_eq!(columnize(&rows), "é   x\nab  y");
    }
}
