//! The CBV words custody events use: business steps, actions and dispositions, each accepted in
//! the three spellings CBV 2.0 allows (bare word, `urn:epcglobal:cbv:…` URN, GS1 web
//! vocabulary IRI) and stored as the bare word.

use std::fmt;

use crate::hash::vocab::{BIZ_STEPS, DISPOSITIONS};

/// The business step of a custody event. The five steps the copy detector reasons about have
/// their own variant; the other CBV 2.0 steps accepted here are kept as [`BizStep::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BizStep {
    /// `shipping`: the item left the organisation for another.
    Shipping,
    /// `receiving`: the item entered the organisation's custody.
    Receiving,
    /// `retail_selling`: sold to a consumer at the point of sale.
    RetailSelling,
    /// `returning`: a consumer brought it back (not a CBV 2.0 word; see [`BizStep::parse`]).
    Returning,
    /// `destroying`: taken out of circulation for good.
    Destroying,
    /// Another accepted CBV step (one of [`OTHER_STEPS`]), bare word.
    Other(&'static str),
}

/// CBV 2.0 business steps accepted besides the five with their own variant: the ones a
/// producer, warehouse or shop plausibly records for a labelled item. Steps about making or
/// changing identifiers (`commissioning`, `encoding`, `killing`, `creating_class_instance`…)
/// are refused: labels are issued by tasdiq, not by custody events.
pub const OTHER_STEPS: &[&str] = &[
    "accepting",
    "arriving",
    "departing",
    "dispensing",
    "holding",
    "inspecting",
    "loading",
    "packing",
    "picking",
    "sampling",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
];

const CBV_URN: &str = "urn:epcglobal:cbv:bizstep:";
const CBV_WEB: &str = "https://ref.gs1.org/cbv/BizStep-";

impl BizStep {
    /// Parses `receiving`, `urn:epcglobal:cbv:bizstep:receiving` or
    /// `https://ref.gs1.org/cbv/BizStep-receiving`. `returning` is accepted although CBV 2.0 has
    /// no such step (its standard spelling of a return is `receiving` with disposition
    /// `returned`, which [`crate::detector`] treats the same way).
    pub fn parse(text: &str) -> Option<BizStep> {
        let word = text
            .strip_prefix(CBV_URN)
            .or_else(|| text.strip_prefix(CBV_WEB))
            .unwrap_or(text);
        Some(match word {
            "shipping" => BizStep::Shipping,
            "receiving" => BizStep::Receiving,
            "retail_selling" => BizStep::RetailSelling,
            "returning" => BizStep::Returning,
            "destroying" => BizStep::Destroying,
            w => BizStep::Other(OTHER_STEPS.iter().find(|s| **s == w)?),
        })
    }

    /// The bare CBV word.
    pub fn as_str(&self) -> &'static str {
        match self {
            BizStep::Shipping => "shipping",
            BizStep::Receiving => "receiving",
            BizStep::RetailSelling => "retail_selling",
            BizStep::Returning => "returning",
            BizStep::Destroying => "destroying",
            BizStep::Other(w) => w,
        }
    }

    /// Every accepted bare word, for error messages and documentation.
    pub fn accepted() -> impl Iterator<Item = &'static str> {
        [
            "shipping",
            "receiving",
            "retail_selling",
            "returning",
            "destroying",
        ]
        .into_iter()
        .chain(OTHER_STEPS.iter().copied())
    }
}

impl fmt::Display for BizStep {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `ObjectEvent`'s action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `ADD`
    Add,
    /// `OBSERVE`
    Observe,
    /// `DELETE`
    Delete,
}

impl Action {
    /// Parses `ADD`, `OBSERVE` or `DELETE` (upper case, as EPCIS writes them).
    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "ADD" => Some(Action::Add),
            "OBSERVE" => Some(Action::Observe),
            "DELETE" => Some(Action::Delete),
            _ => None,
        }
    }

    /// The EPCIS word.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "ADD",
            Action::Observe => "OBSERVE",
            Action::Delete => "DELETE",
        }
    }
}

/// A CBV 2.0 disposition in any of its three spellings, as its bare word.
pub fn disposition(text: &str) -> Option<&'static str> {
    let word = text
        .strip_prefix("urn:epcglobal:cbv:disp:")
        .or_else(|| text.strip_prefix("https://ref.gs1.org/cbv/Disp-"))
        .unwrap_or(text);
    DISPOSITIONS.iter().find(|d| **d == word).copied()
}

/// Whether a word is a CBV 2.0 business step at all (to tell "not a CBV step" from "a CBV step
/// custody does not take").
pub(crate) fn is_cbv_step(word: &str) -> bool {
    BIZ_STEPS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_spellings_of_a_step() {
        for s in [
            "receiving",
            "urn:epcglobal:cbv:bizstep:receiving",
            "https://ref.gs1.org/cbv/BizStep-receiving",
        ] {
            assert_eq!(BizStep::parse(s), Some(BizStep::Receiving), "{s}");
        }
        assert_eq!(BizStep::parse("storing"), Some(BizStep::Other("storing")));
        for s in [
            "Receiving",
            "commissioning",
            "urn:epcglobal:cbv:bizstep:",
            "",
            "receiving ",
        ] {
            assert_eq!(BizStep::parse(s), None, "{s:?}");
        }
        assert_eq!(
            disposition("urn:epcglobal:cbv:disp:in_transit"),
            Some("in_transit")
        );
        assert_eq!(disposition("in_transitt"), None);
    }
}
