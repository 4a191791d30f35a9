//! Bare CBV words → web vocabulary IRIs, as the reference implementation does it: it expands
//! the document with the EPCIS 2.0 JSON-LD context, collects every expanded value under
//! `https://ref.gs1.org/cbv` or `https://gs1.org/voc`, and replaces any string of the document
//! that is the unique `-word` or `/word` ending of one of them.
//!
//! The expansion is not run here: the context's vocabulary-typed fields and their terms are
//! listed below (from `epcis-context.jsonld` 2.0.0), and IRIs already written in full are taken
//! as they are. Keys the context does not define would be dropped by JSON-LD; the EPCIS parser
//! refuses such keys, so the difference does not reach a stored event.

use std::collections::BTreeSet;

use crate::json::Json;

const CBV: &str = "https://ref.gs1.org/cbv/";
const GS1: &str = "https://gs1.org/voc/";

pub(crate) const BIZ_STEPS: &[&str] = &[
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
];
pub(crate) const DISPOSITIONS: &[&str] = &[
    "active",
    "available",
    "completeness_inferred",
    "completeness_verified",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_class",
    "mismatch_instance",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
];
const BTT: &[&str] = &[
    "bol",
    "cert",
    "desadv",
    "inv",
    "pedigree",
    "po",
    "poc",
    "prodorder",
    "recadv",
    "rma",
    "testprd",
    "testres",
    "upevt",
];
const SDT: &[&str] = &["location", "owning_party", "possessing_party"];
const ER: &[&str] = &["did_not_occur", "incorrect_data"];
const EXCEPTIONS: &[&str] = &["ALARM_CONDITION", "ERROR_CONDITION"];
const COMPONENTS: &[&str] = &[
    "altitude",
    "axial_distance",
    "azimuth",
    "easting",
    "elevation_angle",
    "height",
    "latitude",
    "longitude",
    "northing",
    "polar_angle",
    "spherical_radius",
    "x",
    "y",
    "z",
];
const MEASUREMENTS: &[&str] = &[
    "AbsoluteHumidity",
    "AbsorbedDose",
    "AbsorbedDoseRate",
    "Acceleration",
    "Altitude",
    "AmountOfSubstance",
    "AmountOfSubstancePerUnitVolume",
    "Angle",
    "AngularAcceleration",
    "AngularMomentum",
    "AngularVelocity",
    "Area",
    "Capacitance",
    "Conductance",
    "Conductivity",
    "Count",
    "Density",
    "Dimensionless",
    "DoseEquivalent",
    "DoseEquivalentRate",
    "DynamicViscosity",
    "ElectricCharge",
    "ElectricCurrent",
    "ElectricCurrentDensity",
    "ElectricFieldStrength",
    "Energy",
    "Exposure",
    "Force",
    "Frequency",
    "Illuminance",
    "Inductance",
    "Irradiance",
    "KinematicViscosity",
    "Length",
    "LinearMomentum",
    "Luminance",
    "LuminousFlux",
    "LuminousIntensity",
    "MagneticFlux",
    "MagneticFluxDensity",
    "MagneticVectorPotential",
    "Mass",
    "MassConcentration",
    "MassFlowRate",
    "MassPerAreaTime",
    "MemoryCapacity",
    "MolalityOfSolute",
    "MolarEnergy",
    "MolarMass",
    "MolarVolume",
    "Power",
    "Pressure",
    "RadiantFlux",
    "RadiantIntensity",
    "Radioactivity",
    "RelativeHumidity",
    "Resistance",
    "Resistivity",
    "SolidAngle",
    "SpecificVolume",
    "Speed",
    "SurfaceDensity",
    "SurfaceTension",
    "Temperature",
    "Time",
    "Torque",
    "Voltage",
    "Volume",
    "VolumeFlowRate",
    "VolumeFraction",
    "VolumetricFlux",
    "Wavenumber",
];

/// Fields typed `@id` in the context: their CURIEs expand (so `gs1:…` joins the set).
const ID_FIELDS: &[&str] = &[
    "id",
    "epcList",
    "parentID",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "epcClass",
    "certificationInfo",
    "transformationID",
    "source",
    "destination",
    "bizTransaction",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
    "coordinateReferenceSystem",
    "microorganism",
    "chemicalSubstance",
    "uriValue",
    "correctiveEventIDs",
    "readPoint",
    "bizLocation",
];

/// The vocabulary of a field, by the key and its parent key (the context's scoping).
fn vocabulary(parent: &str, key: &str) -> Option<(&'static [&'static str], String)> {
    let cbv = |p: &str| format!("{CBV}{p}-");
    Some(match (parent, key) {
        (_, "bizStep") => (BIZ_STEPS, cbv("BizStep")),
        (_, "disposition") | ("persistentDisposition", "set" | "unset") => {
            (DISPOSITIONS, cbv("Disp"))
        }
        ("bizTransactionList", "type") => (BTT, cbv("BTT")),
        ("sourceList" | "destinationList", "type") => (SDT, cbv("SDT")),
        ("errorDeclaration", "reason") => (ER, cbv("ER")),
        ("sensorReport", "type") => (MEASUREMENTS, GS1.to_owned()),
        ("sensorReport", "exception") => (EXCEPTIONS, GS1.to_owned()),
        ("sensorReport", "component") => (COMPONENTS, cbv("Comp")),
        _ => return None,
    })
}

fn expand_curie(value: &str) -> Option<String> {
    let (prefix, rest) = value.split_once(':')?;
    match prefix {
        "cbv" => Some(format!("{CBV}{rest}")),
        "gs1" => Some(format!("{GS1}{rest}")),
        _ => None,
    }
}

fn wanted(v: &str) -> bool {
    v.starts_with("https://ref.gs1.org/cbv") || v.starts_with("https://gs1.org/voc")
}

/// The expanded CBV / GS1 vocabulary values of a document.
fn expanded_values(doc: &Json) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(doc, "", "", &mut out);
    out
}

fn collect(value: &Json, parent: &str, key: &str, out: &mut BTreeSet<String>) {
    match value {
        Json::String(s) => {
            if let Some((terms, base)) = vocabulary(parent, key)
                && terms.contains(&s.as_str())
            {
                out.insert(format!("{base}{s}"));
                return;
            }
            let typed = vocabulary(parent, key).is_some() || ID_FIELDS.contains(&key);
            if let Some(iri) = expand_curie(s).filter(|_| typed) {
                if wanted(&iri) {
                    out.insert(iri);
                }
            } else if wanted(s) {
                out.insert(s.clone());
            }
        }
        // A list keeps the key of its holder: JSON-LD has no nesting level for arrays.
        Json::Array(items) => items.iter().for_each(|i| collect(i, parent, key, out)),
        Json::Object(members) => {
            for (k, v) in members {
                if k != "@context" {
                    collect(v, key, k, out);
                }
            }
        }
        _ => {}
    }
}

/// Replaces every bare string value that names exactly one expanded vocabulary value.
pub(crate) fn replace_bare_strings(doc: &Json) -> Json {
    let expanded = expanded_values(doc);
    replace(doc, &expanded)
}

fn replace(value: &Json, expanded: &BTreeSet<String>) -> Json {
    match value {
        Json::String(s) => {
            let (dash, slash) = (format!("-{s}"), format!("/{s}"));
            let mut matches = expanded
                .iter()
                .filter(|x| x.ends_with(&dash) || x.ends_with(&slash));
            match (matches.next(), matches.next()) {
                (Some(only), None) => Json::String(only.clone()),
                _ => value.clone(),
            }
        }
        Json::Array(items) => Json::Array(items.iter().map(|i| replace(i, expanded)).collect()),
        Json::Object(members) => Json::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), replace(v, expanded)))
                .collect(),
        ),
        other => other.clone(),
    }
}
