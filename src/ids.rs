//! Deterministic randomness: a splitmix64 generator for node shuffles and
//! port picks, and UUID-shaped identifiers derived from a seeded hash so the
//! same world and seed always name things the same way.

/// splitmix64: tiny, fast and good enough for shuffles; no external crate so
/// sequences never change under us with a dependency upgrade.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// Uniform in `0..n` (rejection sampling avoids modulo bias); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % n;
            }
        }
    }

    /// Fisher–Yates, as Nomad's `shuffleNodes` does.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the parts (with a separator so `["ab","c"]` ≠ `["a","bc"]`),
/// finished with the splitmix mixer.
pub fn hash_parts(seed: u64, parts: &[&str]) -> u64 {
    let mut h = PartsHash::new(seed);
    for part in parts {
        h.part(part.as_bytes());
    }
    h.finish()
}

/// [`hash_parts`] fed one part at a time, so a caller with many parts
/// (a node's computed class) need not build them as strings first.
#[derive(Debug, Clone)]
pub struct PartsHash(u64);

impl PartsHash {
    pub fn new(seed: u64) -> Self {
        PartsHash(0xCBF2_9CE4_8422_2325 ^ mix(seed))
    }

    /// Bytes of the current part; [`PartsHash::end_part`] closes it.
    pub fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    pub fn end_part(&mut self) {
        self.bytes(&[0xFF]);
    }

    /// One whole part.
    pub fn part(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
        self.end_part();
    }

    pub fn finish(&self) -> u64 {
        mix(self.0)
    }
}

/// A UUID-shaped (8-4-4-4-12 hex) identifier derived from the seed and parts.
pub fn uuid(seed: u64, parts: &[&str]) -> String {
    let a = hash_parts(seed, parts);
    let b = hash_parts(a ^ 0x5851_F42D_4C95_7F2D, parts);
    // `{:08x}-{:04x}-{:04x}-{:04x}-{:012x}` of (a >> 32, a >> 16, a, b >> 48,
    // b), written digit by digit: every allocation and evaluation of every
    // replay takes one, and the formatter was a tenth of sampling's time.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (value, digits) in [(a >> 32, 8), (a >> 16, 4), (a, 4), (b >> 48, 4), (b, 12)] {
        if !out.is_empty() {
            out.push('-');
        }
        for i in (0..digits).rev() {
            out.push(char::from(HEX[((value >> (4 * i)) & 0xF) as usize]));
        }
    }
    out
}

/// An identifier many values hold the same copy of (an allocation's ID and
/// name, its namespace, job, group and node): a reference-counted string,
/// so copying an allocation bumps counts instead of allocating and copying
/// every string. A replay copies allocations at every evaluation, and a
/// cached 100,000-allocation state was mostly string copies; here the
/// allocations of one group share its namespace, job and group names.
/// Compares, orders, hashes, prints and serializes exactly as the `String`
/// it replaces (`Debug` and `Display` are the text's own), so no output
/// changes.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Id(std::sync::Arc<str>);

impl Id {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl From<String> for Id {
    fn from(s: String) -> Id {
        Id(s.into())
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Id {
        Id(s.as_str().into())
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id(s.into())
    }
}

impl From<&Id> for String {
    fn from(s: &Id) -> String {
        s.0.to_string()
    }
}

impl From<Id> for String {
    fn from(s: Id) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, o: &str) -> bool {
        &*self.0 == o
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, o: &&str) -> bool {
        &*self.0 == *o
    }
}

impl PartialEq<String> for Id {
    fn eq(&self, o: &String) -> bool {
        &*self.0 == o.as_str()
    }
}

impl PartialEq<Id> for str {
    fn eq(&self, o: &Id) -> bool {
        self == &*o.0
    }
}

impl PartialEq<Id> for &str {
    fn eq(&self, o: &Id) -> bool {
        *self == &*o.0
    }
}

impl PartialEq<Id> for String {
    fn eq(&self, o: &Id) -> bool {
        self.as_str() == &*o.0
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        String::deserialize(d).map(Id::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_distinct() {
        let a = uuid(1, &["pool", "1"]);
        assert_eq!(a, uuid(1, &["pool", "1"]));
        assert_ne!(a, uuid(2, &["pool", "1"]));
        assert_ne!(uuid(1, &["ab", "c"]), uuid(1, &["a", "bc"]));
        assert_eq!(a.len(), 36);
        let x = hash_parts(1, &["pool", "1"]);
        let y = hash_parts(x ^ 0x5851_F42D_4C95_7F2D, &["pool", "1"]);
        let want = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            x >> 32,
            (x >> 16) & 0xFFFF,
            x & 0xFFFF,
            y >> 48,
            y & 0xFFFF_FFFF_FFFF
        );
        assert_eq!(a, want, "the layout of Go's uuid.Generate text");
        assert_eq!(a.matches('-').count(), 4);
    }

    /// Allocations print, serialize and sort through their IDs: a shared
    /// one must be indistinguishable from the `String` it replaced.
    #[test]
    fn a_shared_id_behaves_as_its_string() {
        for text in ["", "web.api[3]", "quote \" and \u{1b}[31m escape"] {
            let (id, s) = (Id::from(text), text.to_string());
            assert_eq!(format!("{id:?}"), format!("{s:?}"));
            assert_eq!(format!("{id}"), s);
            assert_eq!(
                serde_json::to_string(&id).ok(),
                serde_json::to_string(&s).ok()
            );
            let back: Option<Id> =
                serde_json::from_str(&serde_json::to_string(&s).unwrap_or_default()).ok();
            assert_eq!(back.as_ref(), Some(&id));
            // Both ways round, against String and &str.
            assert!(id == s, "{id} == String");
            assert!(s == id, "String == {id}");
            assert!(id == text, "{id} == &str");
            assert!(text == id, "&str == {id}");
            let set: std::collections::HashSet<Id> = [id.clone()].into();
            assert!(set.contains(text), "hashes as the text it holds");
        }
        let mut ids: Vec<Id> = ["b", "a", "B"].map(Id::from).to_vec();
        ids.sort();
        assert_eq!(ids, ["B", "a", "b"], "ordered as strings are");
        let a = Id::from("shared");
        assert!(
            std::ptr::eq(a.as_str(), a.clone().as_str()),
            "a copy shares the text"
        );
    }

    #[test]
    fn parts_fed_piecewise_hash_as_whole_parts() {
        let mut h = PartsHash::new(9);
        h.bytes(b"a:");
        h.bytes(b"k=v");
        h.end_part();
        h.part(b"x");
        assert_eq!(h.finish(), hash_parts(9, &["a:k=v", "x"]));
        assert_ne!(h.finish(), hash_parts(9, &["a:k=vx"]));
    }

    #[test]
    fn below_stays_in_range_and_shuffle_permutes() {
        let mut r = SplitMix64::new(7);
        for n in 1..50 {
            assert!(r.below(n) < n);
        }
        let mut v: Vec<u32> = (0..20).collect();
        r.shuffle(&mut v);
        let mut s = v.clone();
        s.sort();
        assert_eq!(s, (0..20).collect::<Vec<_>>());
        assert_ne!(v, s, "a 20-element shuffle left everything in place");
    }
}
