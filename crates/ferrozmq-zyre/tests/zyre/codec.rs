//! The ZRE codec: placeholder until the property tests land.
