use super::*;

const LABEL: &str = "https://tasdiq.example.ma/v/0123456789";

fn doc_with(event: &str) -> String {
    format!(
        r#"{{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {{"tq": "https://tasdiq.example.ma/ns/"}}],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-05T10:00:00+01:00",
        "epcisBody": {{"eventList": [{event}]}}}}"#
    )
}

fn event(extra: &str) -> String {
    format!(
        r#"{{"type": "ObjectEvent", "eventTime": "2026-11-05T10:30:00.250+01:00", "eventTimeZoneOffset": "+01:00",
        "epcList": ["{LABEL}"], "action": "OBSERVE", "bizStep": "receiving",
        "bizLocation": {{"id": "urn:tasdiq:location:agadir-1"}}{extra}}}"#
    )
}

fn refused(text: &str) -> EpcisError {
    parse_document(text).expect_err("should be refused")
}

#[test]
fn a_custody_event_is_read() {
    let d = parse_document(&doc_with(&event(r#", "readPoint": {"id": "urn:epc:id:sgln:6111234.00001.0"}, "disposition": "urn:epcglobal:cbv:disp:in_progress""#))).unwrap();
    let e = &d.events[0];
    assert_eq!(e.epcs, [LABEL]);
    assert_eq!(e.biz_step, BizStep::Receiving);
    assert_eq!(e.action, Action::Observe);
    assert_eq!(e.disposition, Some("in_progress"));
    assert_eq!(
        e.biz_location.as_deref(),
        Some("urn:tasdiq:location:agadir-1")
    );
    assert_eq!(
        e.read_point.as_deref(),
        Some("urn:epc:id:sgln:6111234.00001.0")
    );
    assert_eq!(e.event_time.to_rfc3339(), "2026-11-05T10:30:00.250+01:00");
    assert!(e.event_hash.starts_with("ni:///sha-256;") && e.event_hash.ends_with("?ver=CBV2.0"));
    assert_eq!(e.id(), e.event_hash, "no eventID: the hash is the identity");
}

#[test]
fn an_event_id_given_is_the_identity() {
    let d = parse_document(&doc_with(&event(
        r#", "eventID": "urn:uuid:5e0f3c5a-0000-4000-8000-000000000001""#,
    )))
    .unwrap();
    assert_eq!(
        d.events[0].id(),
        "urn:uuid:5e0f3c5a-0000-4000-8000-000000000001"
    );
    assert_ne!(d.events[0].id(), d.events[0].event_hash);
}

#[test]
fn a_bare_event_list_is_accepted_with_paths_from_the_index() {
    let list = format!(
        "[{}, {}]",
        event(""),
        event("").replace("receiving", "selling")
    );
    let e = refused(&list);
    assert_eq!(e.path, "/1/bizStep");
    let ok = parse_document(&format!("[{}]", event(""))).unwrap();
    let wrapped = parse_document(&doc_with(&event(""))).unwrap();
    assert_eq!(ok.events[0].event_hash, wrapped.events[0].event_hash);
}

#[test]
fn errors_name_the_path_and_the_fault() {
    let four = format!(
        "{0}, {0}, {0}, {1}",
        event(""),
        event("").replace("\"receiving\"", "\"recieving\"")
    );
    let e = refused(&doc_with(&four));
    assert_eq!(e.path, "/epcisBody/eventList/3/bizStep");
    assert!(
        e.detail
            .contains("\"recieving\" is not a known CBV business step")
            && e.detail.contains("retail_selling"),
        "{}",
        e.detail
    );

    let e = refused(&doc_with(
        &event("").replace("\"receiving\"", "\"commissioning\""),
    ));
    assert!(e.detail.contains("custody does not take"), "{}", e.detail);

    let cases: &[(&str, &str, &str)] = &[
        (
            r#""type": "ObjectEvent""#,
            r#""type": "AggregationEvent""#,
            "/epcisBody/eventList/0/type",
        ),
        (
            r#""eventTime": "2026-11-05T10:30:00.250+01:00""#,
            r#""eventTime": "2026-11-05T10:30:00""#,
            "/epcisBody/eventList/0/eventTime",
        ),
        (
            r#""eventTimeZoneOffset": "+01:00""#,
            r#""eventTimeZoneOffset": "+1""#,
            "/epcisBody/eventList/0/eventTimeZoneOffset",
        ),
        (
            r#""eventTimeZoneOffset": "+01:00","#,
            "",
            "/epcisBody/eventList/0/eventTimeZoneOffset",
        ),
        (
            r#""action": "OBSERVE""#,
            r#""action": "observe""#,
            "/epcisBody/eventList/0/action",
        ),
        (
            &format!(r#"["{LABEL}"]"#),
            "[]",
            "/epcisBody/eventList/0/epcList",
        ),
        (
            &format!(r#"["{LABEL}"]"#),
            &format!(r#"["{LABEL}", "{LABEL}"]"#),
            "/epcisBody/eventList/0/epcList/1",
        ),
        (
            &format!(r#"["{LABEL}"]"#),
            "[12]",
            "/epcisBody/eventList/0/epcList/0",
        ),
        (
            r#""id": "urn:tasdiq:location:agadir-1""#,
            r#""id": "agadir""#,
            "/epcisBody/eventList/0/bizLocation/id",
        ),
        (
            r#""id": "urn:tasdiq:location:agadir-1""#,
            r#""name": "x""#,
            "/epcisBody/eventList/0/bizLocation/name",
        ),
    ];
    for (from, to, path) in cases {
        let text = doc_with(&event("").replacen(from, to, 1));
        assert_eq!(refused(&text).path, *path, "{from} → {to}");
    }
    for (extra, path) in [
        (r#", "colour": "red""#, "/epcisBody/eventList/0/colour"),
        (
            r#", "ex:colour": "red""#,
            "/epcisBody/eventList/0/ex:colour",
        ),
        (
            r#", "errorDeclaration": {"declarationTime": "2026-11-05T10:30:00Z"}"#,
            "/epcisBody/eventList/0/errorDeclaration",
        ),
        (
            r#", "disposition": "sold""#,
            "/epcisBody/eventList/0/disposition",
        ),
        (
            r#", "bizStep": "shipping""#,
            "/epcisBody/eventList/0/bizStep",
        ),
        (
            r#", "sourceList": [{"source": "urn:x:1"}]"#,
            "/epcisBody/eventList/0/sourceList/0",
        ),
    ] {
        assert_eq!(refused(&doc_with(&event(extra))).path, path, "{extra}");
    }
    assert!(parse_document(&doc_with(&event(r#", "tq:colour": {"tq:shade": "red"}"#))).is_ok());
}

#[test]
fn documents_are_checked_too() {
    assert_eq!(refused("[1").path, "");
    assert_eq!(refused("42").path, "");
    let no_context = doc_with(&event("")).replace(
        "\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\",",
        "",
    );
    assert_eq!(refused(&no_context).path, "/@context");
    let wrong_type = doc_with(&event("")).replace("\"EPCISDocument\"", "\"EPCISQueryDocument\"");
    assert_eq!(refused(&wrong_type).path, "/type");
    let empty = doc_with("");
    assert_eq!(refused(&empty).path, "/epcisBody/eventList");
}

#[test]
fn sizes_are_bounded() {
    let many = vec![event(""); MAX_EVENTS + 1].join(",");
    let e = refused(&doc_with(&many));
    assert_eq!(e.path, "/epcisBody/eventList");
    let epcs: Vec<String> = (0..=MAX_EPCS).map(|i| format!("\"{LABEL}{i}\"")).collect();
    let e = refused(&doc_with(
        &event("").replace(&format!("[\"{LABEL}\"]"), &format!("[{}]", epcs.join(","))),
    ));
    assert_eq!(e.path, "/epcisBody/eventList/0/epcList");
    let long = format!(r#", "tq:note": "{}""#, "x".repeat(MAX_STRING + 1));
    assert_eq!(
        refused(&doc_with(&event(&long))).path,
        "/epcisBody/eventList/0/tq:note"
    );
    let deep = format!(r#", "tq:deep": {}1{}"#, "[".repeat(20), "]".repeat(20));
    assert!(
        refused(&doc_with(&event(&deep)))
            .detail
            .contains("nested deeper")
    );
    let huge = " ".repeat(MAX_DOCUMENT_BYTES + 1);
    assert!(refused(&huge).detail.contains("bytes"));
}

#[test]
fn returns_in_both_spellings() {
    let d = parse_document(&doc_with(&format!(
        "{}, {}",
        event("").replace("\"receiving\"", "\"returning\""),
        event(r#", "disposition": "returned""#)
    )))
    .unwrap();
    assert!(d.events.iter().all(ObjectEvent::is_return));
}

#[test]
fn no_input_makes_it_panic() {
    // Every one-character change and every truncation of a document with sensor data (whose
    // times are canonicalised without the event-time check) ends in Ok or Err, never a panic.
    let doc = include_str!("../../tests/interop/documents/custody-sensors.jsonld");
    let chars: Vec<(usize, char)> = doc.char_indices().collect();
    let mut accepted = 0;
    for &(i, c) in &chars {
        for with in ["", "é", "0", "\"", "}", ".", "+", "9999"] {
            let mutated = format!("{}{with}{}", &doc[..i], &doc[i + c.len_utf8()..]);
            accepted += usize::from(parse_document(&mutated).is_ok());
        }
        let _ = parse_document(&doc[..i]);
        // A two-byte character where three ASCII ones were (`+01:00` → `+0é0`).
        if let Some(&(j, _)) = chars.iter().find(|(j, _)| *j >= i + 3) {
            let _ = parse_document(&format!("{}é{}", &doc[..i], &doc[j..]));
        }
    }
    assert!(
        accepted > 0,
        "some changes (inside strings) keep the document valid"
    );
}
