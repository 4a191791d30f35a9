use super::*;

fn prehashes(text: &str) -> Vec<String> {
    document_prehashes(&Json::parse(text).unwrap()).unwrap()
}

#[test]
fn ni_uri_form() {
    assert_eq!(
        ni_sha256(""),
        "ni:///sha-256;e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855?ver=CBV2.0"
    );
}

#[test]
fn standard_example_one() {
    // CBV 2.0 / reference README, example 1 (a departing ObjectEvent of three SSCCs with
    // nested user extensions), rewritten here; the pre-hash string is the standard's.
    let doc = r#"{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"example": "https://ns.example.com/epcis/"}],
      "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2022-02-17T11:30:47.0Z",
      "epcisBody": {"eventList": [{"type": "ObjectEvent",
        "eventTime": "2020-03-04T11:00:30.000+01:00", "eventTimeZoneOffset": "+01:00",
        "recordTime": "2020-03-04T11:00:30.999+01:00",
        "epcList": ["urn:epc:id:sscc:4012345.0000000333", "urn:epc:id:sscc:4012345.0000000111",
                    "urn:epc:id:sscc:4012345.0000000222"],
        "action": "OBSERVE", "bizStep": "departing",
        "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
        "example:myField1": {"example:mySubField1": "2", "example:mySubField2": "5"},
        "example:myField2": "0",
        "example:myField3": {"example:mySubField3": ["3", "1"]}}]}}"#;
    assert_eq!(
        prehashes(doc),
        [
            "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00\
          epcListepc=https://id.gs1.org/00/040123450000001112epc=https://id.gs1.org/00/040123450000002225\
          epc=https://id.gs1.org/00/040123450000003338action=OBSERVE\
          bizStep=https://ref.gs1.org/cbv/BizStep-departing\
          readPointid=https://id.gs1.org/414/4012345000115/254/987\
          {https://ns.example.com/epcis/}myField1{https://ns.example.com/epcis/}mySubField1=2\
          {https://ns.example.com/epcis/}mySubField2=5{https://ns.example.com/epcis/}myField2=0\
          {https://ns.example.com/epcis/}myField3{https://ns.example.com/epcis/}mySubField3=1\
          {https://ns.example.com/epcis/}mySubField3=3"
        ]
    );
}

#[test]
fn order_and_spelling_do_not_change_the_hash_but_content_does() {
    let a = r#"{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
      "epcisBody": {"eventList": [
        {"type": "ObjectEvent", "eventTime": "2026-11-05T10:30:00+01:00", "eventTimeZoneOffset": "+01:00",
         "epcList": ["https://t.ma/v/2", "https://t.ma/v/1"], "action": "OBSERVE", "bizStep": "receiving"},
        {"bizStep": "urn:epcglobal:cbv:bizstep:receiving", "action": "OBSERVE",
         "epcList": ["https://t.ma/v/1", "https://t.ma/v/2"], "eventTimeZoneOffset": "+01:00",
         "eventTime": "2026-11-05T09:30:00.000Z", "type": "ObjectEvent", "eventID": "urn:uuid:x"},
        {"type": "ObjectEvent", "eventTime": "2026-11-05T10:30:00+01:00", "eventTimeZoneOffset": "+01:00",
         "epcList": ["https://t.ma/v/2", "https://t.ma/v/1"], "action": "OBSERVE", "bizStep": "shipping"}]}}"#;
    let h = document_hashes(&Json::parse(a).unwrap()).unwrap();
    assert_eq!(h[0], h[1], "same event, other order, spelling and zone");
    assert_ne!(h[0], h[2], "another step");
}

#[test]
fn a_shape_the_reference_fails_on_is_an_error() {
    let doc = r#"{"epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-11-05T10:30:00Z",
        "action": "OBSERVE", "bizTransactionList": [{"bizTransaction": "urn:x:1"}]}]}}"#;
    assert!(matches!(
        document_prehashes(&Json::parse(doc).unwrap()),
        Err(HashError::Unsupported(_))
    ));
    assert_eq!(
        document_prehashes(&Json::parse("{}").unwrap()),
        Err(HashError::NoEvents)
    );
}
