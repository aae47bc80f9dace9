//! `PrefixTree`: subscriptions by topic prefix, for SUB (a count per topic) and PUB (the
//! pipes subscribed to each topic).
//!
//! Matching a message walks the tree along its first bytes, so its cost depends on the length
//! of the topic, not on how many subscriptions there are; a message that matches nothing stops
//! at the first byte no subscription has. Nodes keep their children sorted by byte (binary
//! search) and are pruned as soon as they hold nothing, so unsubscribing frees memory.

/// What a tree node holds; empty values let their node be pruned.
pub(crate) trait Slot: Default {
    /// True if the node holds nothing.
    fn is_empty(&self) -> bool;
}

impl Slot for u32 {
    fn is_empty(&self) -> bool {
        *self == 0
    }
}

impl Slot for Vec<u64> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

#[derive(Default)]
struct Node<V> {
    value: V,
    children: Vec<(u8, Node<V>)>,
}

impl<V: Slot> Node<V> {
    fn child(&self, byte: u8) -> Option<&Node<V>> {
        self.children
            .binary_search_by_key(&byte, |(b, _)| *b)
            .ok()
            .map(|i| &self.children[i].1)
    }

    fn is_prunable(&self) -> bool {
        self.value.is_empty() && self.children.is_empty()
    }
}

/// A tree of values keyed by byte strings.
#[derive(Default)]
pub(crate) struct PrefixTree<V> {
    root: Node<V>,
}

impl<V: Slot> PrefixTree<V> {
    /// The value at `key`, created empty if absent.
    pub(crate) fn entry(&mut self, key: &[u8]) -> &mut V {
        let mut node = &mut self.root;
        for &byte in key {
            let i = match node.children.binary_search_by_key(&byte, |(b, _)| *b) {
                Ok(i) => i,
                Err(i) => {
                    node.children.insert(i, (byte, Node::default()));
                    i
                }
            };
            node = &mut node.children[i].1;
        }
        &mut node.value
    }

    /// Changes the value at `key` with `f` (if the key exists), pruning nodes left empty.
    /// Returns what `f` returned, or None if there was no such key.
    pub(crate) fn update<R>(&mut self, key: &[u8], f: impl FnOnce(&mut V) -> R) -> Option<R> {
        fn walk<V: Slot, R>(
            node: &mut Node<V>,
            key: &[u8],
            f: impl FnOnce(&mut V) -> R,
        ) -> Option<R> {
            let Some((&byte, rest)) = key.split_first() else {
                return Some(f(&mut node.value));
            };
            let i = node
                .children
                .binary_search_by_key(&byte, |(b, _)| *b)
                .ok()?;
            let result = walk(&mut node.children[i].1, rest, f);
            if node.children[i].1.is_prunable() {
                node.children.remove(i);
            }
            result
        }
        walk(&mut self.root, key, f)
    }

    /// Calls `f` with the value of every key that is a prefix of `data` (the empty key
    /// included), shortest first.
    pub(crate) fn for_each_prefix_of(&self, data: &[u8], mut f: impl FnMut(&V)) {
        let mut node = &self.root;
        f(&node.value);
        for &byte in data {
            match node.child(byte) {
                Some(next) => {
                    node = next;
                    f(&node.value);
                }
                None => return,
            }
        }
    }

    /// Calls `f` with every key holding a non-empty value.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[u8], &V)) {
        fn walk<V: Slot>(node: &Node<V>, key: &mut Vec<u8>, f: &mut impl FnMut(&[u8], &V)) {
            if !node.value.is_empty() {
                f(key, &node.value);
            }
            for (byte, child) in &node.children {
                key.push(*byte);
                walk(child, key, f);
                key.pop();
            }
        }
        walk(&self.root, &mut Vec::new(), &mut f);
    }

    /// Changes every non-empty value with `f` (given its key), pruning nodes left empty.
    pub(crate) fn retain_all(&mut self, mut f: impl FnMut(&[u8], &mut V)) {
        fn walk<V: Slot>(node: &mut Node<V>, key: &mut Vec<u8>, f: &mut impl FnMut(&[u8], &mut V)) {
            if !node.value.is_empty() {
                f(key, &mut node.value);
            }
            node.children.retain_mut(|(byte, child)| {
                key.push(*byte);
                walk(child, key, f);
                key.pop();
                !child.is_prunable()
            });
        }
        walk(&mut self.root, &mut Vec::new(), &mut f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn count(tree: &PrefixTree<u32>) -> usize {
        let mut n = 0;
        tree.for_each(|_, _| n += 1);
        n
    }

    #[test]
    fn prefixes_match_and_empty_nodes_are_pruned() {
        let mut t = PrefixTree::<u32>::default();
        *t.entry(b"ab") += 1;
        *t.entry(b"") += 1;
        let mut seen = Vec::new();
        t.for_each_prefix_of(b"abc", |v| seen.push(*v));
        assert_eq!(seen, vec![1, 0, 1]);
        assert_eq!(t.update(b"ab", |v| *v -= 1), Some(()));
        assert!(t.root.children.is_empty(), "pruned");
        assert_eq!(t.update(b"zz", |v| *v -= 1), None);
        assert_eq!(count(&t), 1);
    }

    proptest! {
        /// Against a map model: matching, enumeration and pruning agree after random
        /// subscribe/unsubscribe sequences (counts never below zero).
        #[test]
        fn agrees_with_a_map(ops in proptest::collection::vec((any::<bool>(), proptest::collection::vec(0u8..3, 0..4)), 0..200),
                             probe in proptest::collection::vec(0u8..3, 0..6)) {
            let mut tree = PrefixTree::<u32>::default();
            let mut model: HashMap<Vec<u8>, u32> = HashMap::new();
            for (add, key) in ops {
                if add {
                    *tree.entry(&key) += 1;
                    *model.entry(key).or_default() += 1;
                } else if model.get(&key).copied().unwrap_or(0) > 0 {
                    tree.update(&key, |v| *v -= 1);
                    *model.get_mut(&key).unwrap() -= 1;
                }
            }
            model.retain(|_, v| *v > 0);
            let mut listed = HashMap::new();
            tree.for_each(|k, v| { listed.insert(k.to_vec(), *v); });
            prop_assert_eq!(&listed, &model);
            let mut matched = false;
            tree.for_each_prefix_of(&probe, |v| matched |= *v > 0);
            let expected = model.keys().any(|k| probe.starts_with(k));
            prop_assert_eq!(matched, expected);
        }
    }
}
