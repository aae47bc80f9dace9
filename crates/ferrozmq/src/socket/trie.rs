//! `PrefixTree`: subscriptions by topic prefix, for SUB (a count per topic) and PUB (the
//! pipes subscribed to each topic).
//!
//! It is a radix tree: a node holds the run of bytes (its label) between its parent and the
//! next place where topics branch or end, so a topic costs one node and its bytes, not a node
//! per byte. Every node but the root has a non-empty value or at least two children; removing
//! a value prunes or merges what that leaves behind, so unsubscribing frees memory.
//!
//! Matching a message walks the tree along its first bytes, so its cost depends on the length
//! of the topic, not on how many subscriptions there are; a message that matches nothing stops
//! at the first byte no subscription has. Children are kept sorted by their first byte (binary
//! search). Nothing here recurses, so a deep tree (topics `a`, `aa`, `aaa`, … from a hostile
//! peer) cannot overflow the stack.

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
    /// The bytes from the parent to this node; empty only at the root.
    label: Box<[u8]>,
    value: V,
    /// Sorted by the first byte of their labels, which all differ.
    children: Vec<Node<V>>,
}

impl<V: Slot> Node<V> {
    fn leaf(label: &[u8]) -> Node<V> {
        Node {
            label: label.into(),
            value: V::default(),
            children: Vec::new(),
        }
    }

    /// The index of the child whose label starts with `byte`.
    fn find(&self, byte: u8) -> Result<usize, usize> {
        self.children.binary_search_by_key(&byte, |c| c.label[0])
    }

    /// Cuts this node's label after `at` bytes; the rest (with the value and children)
    /// becomes its only child.
    fn split(&mut self, at: usize) {
        let tail = Node {
            label: self.label[at..].into(),
            value: std::mem::take(&mut self.value),
            children: std::mem::take(&mut self.children),
        };
        self.label = self.label[..at].into();
        self.children = vec![tail];
    }

    /// Folds an empty-valued node with exactly one child into that child.
    fn merge_with_only_child(&mut self) {
        if let Some(child) = self.children.pop() {
            let mut label = Vec::with_capacity(self.label.len() + child.label.len());
            label.extend_from_slice(&self.label);
            label.extend_from_slice(&child.label);
            self.label = label.into();
            self.value = child.value;
            self.children = child.children;
        }
    }

    /// Restores the tree's shape below this node after its child `i` lost its value:
    /// the child goes if it is now empty (and this node, if `self_mergeable` and left with one
    /// child and no value, folds into it), or folds into its own single child.
    fn tidy_child(&mut self, i: usize, self_mergeable: bool) {
        let child = &mut self.children[i];
        if !child.value.is_empty() {
            return;
        }
        match child.children.len() {
            0 => {
                self.children.remove(i);
                self.children.shrink_to_fit();
                if self_mergeable && self.value.is_empty() && self.children.len() == 1 {
                    self.merge_with_only_child();
                }
            }
            1 => child.merge_with_only_child(),
            _ => {}
        }
    }
}

/// Length of the common prefix of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// A tree of values keyed by byte strings.
#[derive(Default)]
pub(crate) struct PrefixTree<V> {
    root: Node<V>,
}

impl<V: Slot> PrefixTree<V> {
    /// The value at `key`, created empty if absent. The caller must leave it non-empty (an
    /// empty value is only pruned by a later `update`).
    pub(crate) fn entry(&mut self, key: &[u8]) -> &mut V {
        let mut node = &mut self.root;
        let mut rest = key;
        loop {
            let Some(&first) = rest.first() else {
                return &mut node.value;
            };
            let i = match node.find(first) {
                Ok(i) => i,
                Err(i) => {
                    node.children.reserve_exact(1);
                    node.children.insert(i, Node::leaf(rest));
                    return &mut node.children[i].value;
                }
            };
            let child = &mut node.children[i];
            let common = common_prefix(&child.label, rest);
            if common < child.label.len() {
                child.split(common);
            }
            rest = &rest[common..];
            node = &mut node.children[i];
        }
    }

    /// The path of child indices to the node for `key`, if there is one.
    fn path_to(&self, key: &[u8]) -> Option<Vec<usize>> {
        let mut path = Vec::new();
        let mut node = &self.root;
        let mut rest = key;
        while let Some(&first) = rest.first() {
            let i = node.find(first).ok()?;
            node = &node.children[i];
            rest = rest.strip_prefix(&node.label[..])?;
            path.push(i);
        }
        Some(path)
    }

    /// Changes the value at `key` with `f` (if the key holds a value), pruning or merging
    /// nodes left empty. Returns what `f` returned, or None if there was no such value.
    pub(crate) fn update<R>(&mut self, key: &[u8], f: impl FnOnce(&mut V) -> R) -> Option<R> {
        let path = self.path_to(key)?;
        let mut parent = &mut self.root;
        let Some((&last, above)) = path.split_last() else {
            if self.root.value.is_empty() {
                return None;
            }
            return Some(f(&mut self.root.value));
        };
        for &i in above {
            parent = &mut parent.children[i];
        }
        let node = &mut parent.children[last];
        if node.value.is_empty() {
            return None;
        }
        let result = f(&mut node.value);
        parent.tidy_child(last, !above.is_empty());
        Some(result)
    }

    /// Calls `f` with the value of every key that is a prefix of `data` (the empty key
    /// included) and holds a value, shortest first.
    pub(crate) fn for_each_prefix_of(&self, data: &[u8], mut f: impl FnMut(&V)) {
        let mut node = &self.root;
        let mut rest = data;
        loop {
            if !node.value.is_empty() {
                f(&node.value);
            }
            let Some(&first) = rest.first() else {
                return;
            };
            let Ok(i) = node.find(first) else {
                return;
            };
            node = &node.children[i];
            match rest.strip_prefix(&node.label[..]) {
                Some(after) => rest = after,
                None => return,
            }
        }
    }

    /// Calls `f` with every key holding a non-empty value, in byte order.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[u8], &V)) {
        let mut key = Vec::new();
        // Nodes still to visit, with the key length at their parent.
        let mut stack = vec![(&self.root, 0)];
        while let Some((node, depth)) = stack.pop() {
            key.truncate(depth);
            key.extend_from_slice(&node.label);
            if !node.value.is_empty() {
                f(&key, &node.value);
            }
            stack.extend(node.children.iter().rev().map(|c| (c, key.len())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, HashMap};

    fn count(tree: &PrefixTree<u32>) -> usize {
        let mut n = 0;
        tree.for_each(|_, _| n += 1);
        n
    }

    /// Nodes in the tree, root included.
    fn nodes<V: Slot>(tree: &PrefixTree<V>) -> usize {
        let mut n = 0;
        let mut stack = vec![&tree.root];
        while let Some(node) = stack.pop() {
            n += 1;
            stack.extend(&node.children);
        }
        n
    }

    /// Every non-root node has a label and either a value or two children; siblings are
    /// sorted by distinct first bytes.
    fn assert_compact<V: Slot>(tree: &PrefixTree<V>) {
        let mut stack: Vec<&Node<V>> = tree.root.children.iter().collect();
        assert!(tree.root.label.is_empty());
        while let Some(node) = stack.pop() {
            assert!(!node.label.is_empty(), "only the root has an empty label");
            assert!(
                !node.value.is_empty() || node.children.len() >= 2,
                "an empty node with fewer than two children is left"
            );
            let firsts: Vec<u8> = node.children.iter().map(|c| c.label[0]).collect();
            assert!(firsts.windows(2).all(|w| w[0] < w[1]), "children sorted");
            stack.extend(&node.children);
        }
    }

    #[test]
    fn prefixes_match_and_empty_nodes_are_pruned() {
        let mut t = PrefixTree::<u32>::default();
        *t.entry(b"ab") += 1;
        *t.entry(b"") += 1;
        let mut seen = Vec::new();
        t.for_each_prefix_of(b"abc", |v| seen.push(*v));
        assert_eq!(seen, vec![1, 1]);
        assert_eq!(t.update(b"ab", |v| *v -= 1), Some(()));
        assert!(t.root.children.is_empty(), "pruned");
        assert_eq!(t.update(b"zz", |v| *v -= 1), None);
        assert_eq!(count(&t), 1);
    }

    #[test]
    fn splits_and_merges_keep_one_node_per_topic() {
        let mut t = PrefixTree::<u32>::default();
        *t.entry(b"weather.paris") += 1;
        *t.entry(b"weather.rome") += 1;
        *t.entry(b"weather") += 1;
        // root, "weather", ".paris", ".rome" would be 4; the split point "weather" holds
        // a value, and ".paris"/".rome" share "." so a branch node sits there.
        assert_eq!(nodes(&t), 5);
        assert_compact(&t);
        t.update(b"weather", |v| *v -= 1);
        t.update(b"weather.rome", |v| *v -= 1);
        assert_eq!(nodes(&t), 2, "what is left folds back into one node");
        assert_compact(&t);
        let mut keys = Vec::new();
        t.for_each(|k, _| keys.push(k.to_vec()));
        assert_eq!(keys, vec![b"weather.paris".to_vec()]);
        assert_eq!(
            t.update(b"weather.", |v| *v -= 1),
            None,
            "no value mid-label"
        );
    }

    #[test]
    fn a_deep_chain_of_topics_does_not_recurse() {
        let mut t = PrefixTree::<u32>::default();
        let key = vec![b'a'; 5_000];
        for n in 1..=key.len() {
            *t.entry(&key[..n]) += 1;
        }
        let mut matched = 0;
        t.for_each_prefix_of(&key, |_| matched += 1);
        assert_eq!(matched, key.len());
        for n in (1..=key.len()).rev() {
            assert_eq!(t.update(&key[..n], |v| *v -= 1), Some(()));
        }
        assert_eq!(nodes(&t), 1);
    }

    #[test]
    fn distinct_long_topics_cost_at_most_two_nodes_each() {
        let mut t = PrefixTree::<Vec<u64>>::default();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let n = 2_000;
        for _ in 0..n {
            let topic: Vec<u8> = (0..199)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            t.entry(&topic).push(1);
        }
        assert!(nodes(&t) <= 2 * n + 1);
        assert_compact(&t);
    }

    /// Keys from a small alphabet, so they share prefixes and split and merge often.
    fn key() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(0u8..3, 0..6)
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

        /// Counted subscriptions (SUB: duplicates need as many unsubscribes) against a
        /// sorted map: after every operation the tree is compact, lists the model's keys in
        /// order, and every probe matches exactly the model's prefixes of it, shortest first.
        #[test]
        fn counts_like_libzmq_and_stays_compact(
            ops in proptest::collection::vec((0u8..3, key()), 0..300),
            probes in proptest::collection::vec(key(), 1..8),
        ) {
            let mut tree = PrefixTree::<u32>::default();
            let mut model: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
            for (op, key) in ops {
                if op > 0 {
                    *tree.entry(&key) += 1;
                    *model.entry(key).or_default() += 1;
                } else {
                    let last = tree.update(&key, |v| { *v -= 1; *v == 0 });
                    let expected = model.get_mut(&key).map(|v| { *v -= 1; *v == 0 });
                    prop_assert_eq!(last, expected);
                    model.retain(|_, v| *v > 0);
                }
                assert_compact(&tree);
            }
            let mut listed = Vec::new();
            tree.for_each(|k, v| listed.push((k.to_vec(), *v)));
            let in_model: Vec<_> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
            prop_assert_eq!(listed, in_model);
            for probe in probes {
                let mut matched = Vec::new();
                tree.for_each_prefix_of(&probe, |v| matched.push(*v));
                let expected: Vec<u32> = (0..=probe.len())
                    .filter_map(|n| model.get(&probe[..n]).copied())
                    .collect();
                prop_assert_eq!(matched, expected);
            }
        }
    }
}
