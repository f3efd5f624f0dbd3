//! The dynamic ports a node already holds, as the placement that draws
//! new ones sees them (Nomad's `NetworkIndex` port bitmap).

/// The lowest and highest dynamic port Nomad hands out (0.9 defaults).
pub(super) const DYNAMIC_PORT_MIN: u16 = 20000;
pub(super) const DYNAMIC_PORT_MAX: u16 = 32000;

/// Which ports of the dynamic range a node holds, one bit each: only a
/// port in the range can collide with a drawn one. A hash set of every
/// port on the node, built for each placement, was a twentieth of `plan
/// --samples`.
pub(super) struct DynamicPorts([u64; DynamicPorts::WORDS]);

impl Default for DynamicPorts {
    fn default() -> Self {
        DynamicPorts([0; DynamicPorts::WORDS])
    }
}

impl DynamicPorts {
    const WORDS: usize = (DYNAMIC_PORT_MAX - DYNAMIC_PORT_MIN).div_ceil(64) as usize;

    /// Mark `port` taken; false if it already was (as `HashSet::insert`).
    pub(super) fn insert(&mut self, port: u16) -> bool {
        if !(DYNAMIC_PORT_MIN..DYNAMIC_PORT_MAX).contains(&port) {
            return true;
        }
        let i = usize::from(port - DYNAMIC_PORT_MIN);
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let Some(w) = self.0.get_mut(word) else {
            return true;
        };
        let fresh = *w & bit == 0;
        *w |= bit;
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dynamic_port_is_taken_once_and_others_never_collide() {
        let mut used = DynamicPorts::default();
        for p in [DYNAMIC_PORT_MIN, 20_064, DYNAMIC_PORT_MAX - 1] {
            assert!(used.insert(p), "{p} is free at first");
            assert!(!used.insert(p), "{p} is taken the second time");
        }
        assert!(
            used.insert(20_063) && used.insert(20_065),
            "neighbours stay free"
        );
        // Reserved ports outside the range can never be drawn.
        for p in [22, DYNAMIC_PORT_MIN - 1, DYNAMIC_PORT_MAX] {
            assert!(used.insert(p) && used.insert(p));
        }
    }
}
