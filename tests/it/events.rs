//! Chain of custody: EPCIS 2.0 documents recorded from retailers' and officers' keys, their
//! event hashes, replays, refusals naming the JSON path, who sees which events, locations, and
//! `record` on the batch verify route.

use axum::body::Body;
use axum::http::{Method, Request, header};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tasdiq::domain::values::Role;

use crate::support::{Reply, TestApp, tamper};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

impl TestApp {
    /// Posts an EPCIS document as `application/ld+json`.
    pub(crate) async fn capture(&self, key: &str, doc: &str) -> Reply {
        self.send(
            Request::post("/api/v1/events")
                .header(header::CONTENT_TYPE, "application/ld+json")
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from(doc.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// Registers a location and returns its id.
    pub(crate) async fn location(&self, key: &str, body: Value) -> String {
        let res = self
            .json(Method::POST, "/api/v1/locations", Some(key), &body)
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        res.json()["id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn stored_events(&self) -> i64 {
        let row = sea_orm::ConnectionTrait::query_one_raw(
            self.conn(),
            sea_orm::Statement::from_string(
                self.conn().get_database_backend(),
                "SELECT COUNT(*) AS n FROM custody_events".to_owned(),
            ),
        )
        .await
        .unwrap()
        .unwrap();
        row.try_get("", "n").unwrap()
    }

    /// The label URLs of the first `n` items of the demo argan lot.
    pub(crate) async fn label_urls(&self, n: u32) -> Vec<String> {
        let cert = self.authentic_certificate().await;
        (1..=n)
            .map(|i| format!("https://tasdiq.example.ma/v/{}", self.code(&cert, i)))
            .collect()
    }
}

/// The label URL with a signature digit changed: well formed, not genuine.
fn fake_url(url: &str, pos: usize) -> String {
    let (base, code) = url.rsplit_once('/').unwrap();
    format!("{base}/{}", tamper(code, pos))
}

fn event(step: &str, time: &str, epcs: &[String], location: Option<&str>) -> Value {
    let mut e = json!({
        "type": "ObjectEvent",
        "eventTime": time,
        "eventTimeZoneOffset": &time[time.len() - 6..],
        "epcList": epcs,
        "action": "OBSERVE",
        "bizStep": step,
    });
    if let Some(l) = location {
        e["bizLocation"] = json!({"id": l});
    }
    e
}

fn document(events: Vec<Value>) -> String {
    json!({
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-21T10:05:00Z",
        "epcisBody": {"eventList": events},
    })
    .to_string()
}

pub(crate) fn event_ids(res: &Reply) -> Vec<String> {
    res.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventID"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn query_ids(doc: &Value) -> Vec<String> {
    assert_eq!(doc["type"], "EPCISQueryDocument", "{doc}");
    doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventID"].as_str().unwrap().to_owned())
        .collect()
}

fn is_event_hash(id: &str) -> bool {
    id.strip_prefix("ni:///sha-256;")
        .and_then(|h| h.strip_suffix("?ver=CBV2.0"))
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[tokio::test]
async fn a_document_is_recorded_once_under_its_event_hash() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let shop = app
        .location(&key, json!({"name": "Épicerie Tafraout", "city": "Agadir"}))
        .await;
    assert!(shop.starts_with("urn:tasdiq:location:"), "{shop}");
    let labels = app.label_urls(3).await;
    let mut given = event(
        "urn:epcglobal:cbv:bizstep:receiving",
        "2026-11-21T10:02:00+01:00",
        &labels,
        Some(&shop),
    );
    given["eventID"] = json!("urn:uuid:6f1b1c36-4a7e-4cf4-9d59-2c2f1f3b8a10");
    let doc = document(vec![
        given,
        event(
            "retail_selling",
            "2026-11-23T18:40:00.5+01:00",
            &labels[..1],
            Some(&shop),
        ),
    ]);
    let res = app.capture(&key, &doc).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["recorded"], 2);
    let ids = event_ids(&res);
    assert_eq!(ids[0], "urn:uuid:6f1b1c36-4a7e-4cf4-9d59-2c2f1f3b8a10");
    // The event without an eventID is stored under its EPCIS 2.0 event hash (the custody crate's,
    // which its interop test checks against the reference implementation).
    assert!(is_event_hash(&ids[1]), "{}", ids[1]);
    let parsed = tasdiq_custody::epcis::parse_document(&doc).unwrap();
    assert_eq!(ids[1], parsed.events[1].event_hash);
    assert_eq!(app.stored_events().await, 2);

    // A replay is answered the same and not stored twice.
    let again = app.capture(&key, &doc).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["recorded"], 0);
    assert_eq!(again.json()["duplicates"], 2);
    assert_eq!(event_ids(&again), ids);
    assert_eq!(app.stored_events().await, 2);

    // The label's events, EPCIS query-style, with the stored eventID and a recordTime.
    let q = app
        .get_as(
            &format!(
                "/api/v1/events?epc={}",
                labels[0].replace(':', "%3A").replace('/', "%2F")
            ),
            &key,
        )
        .await;
    assert_eq!(q.status, 200, "{}", q.text());
    let body = q.json();
    assert_eq!(query_ids(&body), ids);
    let list = &body["epcisBody"]["queryResults"]["resultsBody"]["eventList"];
    assert_eq!(list[0]["bizStep"], "urn:epcglobal:cbv:bizstep:receiving");
    assert!(list[1]["recordTime"].is_string());
    let second = app.label_urls(2).await[1].clone();
    let code = second.rsplit('/').next().unwrap();
    let q = app
        .get_as(&format!("/api/v1/events?epc={code}"), &key)
        .await;
    assert_eq!(query_ids(&q.json()), ids[..1]);
    let later = app
        .get_as(&format!("/api/v1/events?epc={code}&from=2026-11-22"), &key)
        .await;
    assert!(query_ids(&later.json()).is_empty());

    // Checking the labels of custody events is not a consumer scan.
    app.state
        .verifier
        .scans
        .flush(app.state.writer())
        .await
        .unwrap();
    let scans = tasdiq::entity::label_scan::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    assert!(scans.is_empty(), "{scans:?}");
}

#[tokio::test]
async fn bad_steps_and_malformed_documents_are_refused_naming_the_path() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let labels = app.label_urls(1).await;
    let good = event("shipping", "2026-11-21T10:02:00+01:00", &labels, None);
    let bad = event(
        "urn:epcglobal:cbv:bizstep:teleporting",
        "2026-11-21T10:03:00+01:00",
        &labels,
        None,
    );
    let p = app
        .capture(&key, &document(vec![good.clone(), bad]))
        .await
        .problem(400);
    assert_eq!(
        p["errors"][0]["field"], "/epcisBody/eventList/1/bizStep",
        "{p}"
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("/epcisBody/eventList/1/bizStep")
    );

    let mut no_zone = good.clone();
    no_zone["eventTime"] = json!("2026-11-21T10:02:00");
    let p = app
        .capture(&key, &document(vec![no_zone]))
        .await
        .problem(400);
    assert_eq!(
        p["errors"][0]["field"], "/epcisBody/eventList/0/eventTime",
        "{p}"
    );

    let p = app
        .capture(&key, "{\"type\": \"EPCISDocument\"")
        .await
        .problem(400);
    assert_eq!(p["errors"][0]["field"], "", "{p}");
    let p = app
        .capture(
            &key,
            &json!({"type": "EPCISDocument", "@context": CONTEXT}).to_string(),
        )
        .await
        .problem(400);
    assert_eq!(p["errors"][0]["field"], "/epcisBody", "{p}");
    assert_eq!(app.stored_events().await, 0);
}

#[tokio::test]
async fn a_counterfeit_label_refuses_the_whole_document() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let labels = app.label_urls(2).await;
    let fake = fake_url(&labels[1], 200);
    let doc = document(vec![
        event("receiving", "2026-11-21T10:02:00+01:00", &labels[..1], None),
        event(
            "receiving",
            "2026-11-21T10:03:00+01:00",
            &[
                labels[0].clone(),
                fake,
                "https://tasdiq.example.ma/v/123".into(),
            ],
            None,
        ),
    ]);
    let p = app.capture(&key, &doc).await.problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "/epcisBody/eventList/1/epcList/1",
            "/epcisBody/eventList/1/epcList/2"
        ],
        "{p}"
    );
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("bad_signature"),
        "{p}"
    );
    // Nothing is stored, not even the first, genuine event.
    assert_eq!(app.stored_events().await, 0);
}

#[tokio::test]
async fn retailers_see_and_use_only_their_own() {
    let app = TestApp::new().await;
    let a = app.key(Role::Retailer).await;
    let b = app.key(Role::Retailer).await;
    let officer = app.key(Role::Officer).await;
    let shop_a = app
        .location(
            &a,
            json!({"name": "Marché Souk El Had", "city": "Agadir", "id": "urn:epc:id:sgln:6111234.00001.0"}),
        )
        .await;
    assert_eq!(shop_a, "urn:epc:id:sgln:6111234.00001.0");
    let labels = app.label_urls(1).await;
    let doc = document(vec![event(
        "receiving",
        "2026-11-21T10:02:00+01:00",
        &labels,
        Some(&shop_a),
    )]);
    assert_eq!(app.capture(&a, &doc).await.status, 200);
    let code = labels[0].rsplit('/').next().unwrap();
    let uri = format!("/api/v1/events?epc={code}");
    assert_eq!(query_ids(&app.get_as(&uri, &a).await.json()).len(), 1);
    assert_eq!(query_ids(&app.get_as(&uri, &officer).await.json()).len(), 1);
    assert!(query_ids(&app.get_as(&uri, &b).await.json()).is_empty());
    assert!(query_ids(&app.get_as("/api/v1/events", &b).await.json()).is_empty());

    // B cannot record at A's place, nor register it again; B's list is its own.
    let doc_b = document(vec![event(
        "receiving",
        "2026-11-22T10:02:00+01:00",
        &labels,
        Some(&shop_a),
    )]);
    let p = app.capture(&b, &doc_b).await.problem(422);
    assert_eq!(
        p["errors"][0]["field"], "/epcisBody/eventList/0/bizLocation/id",
        "{p}"
    );
    app.json(
        Method::POST,
        "/api/v1/locations",
        Some(&b),
        &json!({"name": "Autre", "city": "Tiznit", "id": shop_a}),
    )
    .await
    .problem(409);
    let mine = app.get_as("/api/v1/locations", &b).await.json();
    assert_eq!(mine["total"], 0, "{mine}");
    let theirs = app.get_as("/api/v1/locations", &a).await.json();
    assert_eq!(theirs["items"][0]["city"], "Agadir", "{theirs}");
    // An officer records a seizure anywhere.
    let seized = document(vec![event(
        "destroying",
        "2026-11-24T09:00:00+01:00",
        &labels,
        Some("urn:epc:id:sgln:6119999.00001.0"),
    )]);
    assert_eq!(app.capture(&officer, &seized).await.status, 200);
    assert_eq!(query_ids(&app.get_as(&uri, &a).await.json()).len(), 1);
    assert_eq!(query_ids(&app.get_as(&uri, &officer).await.json()).len(), 2);
}

#[tokio::test]
async fn checking_a_delivery_records_its_receipt() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let shop = app
        .location(&key, json!({"name": "Coopérative", "city": "Taroudant"}))
        .await;
    let labels = app.label_urls(2).await;
    let fake = fake_url(&labels[1], 200);
    let body = json!({
        "codes": [labels[0], fake, labels[1], "12ab"],
        "record": {"bizStep": "receiving", "bizLocation": shop},
    });
    let res = app
        .json(Method::POST, "/api/v1/verify", Some(&key), &body)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let v = res.json();
    assert_eq!(v["results"][1]["status"], "counterfeit");
    assert_eq!(v["recorded"]["labels"], 2, "{v}");
    let id = v["recorded"]["eventID"].as_str().unwrap();
    assert!(is_event_hash(id), "{id}");
    let code = labels[1].rsplit('/').next().unwrap();
    let q = app
        .get_as(&format!("/api/v1/events?epc={code}"), &key)
        .await
        .json();
    assert_eq!(query_ids(&q), [id]);
    let e = &q["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0];
    assert_eq!(e["bizStep"], "receiving");
    assert_eq!(e["bizLocation"]["id"], shop.as_str());
    assert_eq!(e["epcList"].as_array().unwrap().len(), 2);

    // A bad step or someone else's place is refused before anything is verified or counted.
    let before = app.stored_events().await;
    for (record, field) in [
        (json!({"bizStep": "teleporting"}), "record.bizStep"),
        (
            json!({"bizStep": "receiving", "bizLocation": "urn:epc:id:sgln:6110000.00001.0"}),
            "record.bizLocation",
        ),
    ] {
        let p = app
            .json(
                Method::POST,
                "/api/v1/verify",
                Some(&key),
                &json!({"codes": [labels[0]], "record": record}),
            )
            .await
            .problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    assert_eq!(app.stored_events().await, before);
    // Without `record` the answer is as before.
    let plain = app
        .json(
            Method::POST,
            "/api/v1/verify",
            Some(&key),
            &json!({"codes": [labels[0]]}),
        )
        .await
        .json();
    assert!(plain.get("recorded").is_none(), "{plain}");
}

#[tokio::test]
async fn an_event_id_reused_for_another_event_is_a_conflict() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let labels = app.label_urls(1).await;
    let mut e = event("shipping", "2026-11-21T10:02:00+01:00", &labels, None);
    e["eventID"] = json!("urn:uuid:0d7c58f2-3a41-4a4f-8f8a-3d1f5b9e2c77");
    assert_eq!(
        app.capture(&key, &document(vec![e.clone()])).await.status,
        200
    );
    e["bizStep"] = json!("receiving");
    let p = app.capture(&key, &document(vec![e])).await.problem(409);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("/epcisBody/eventList/0/eventID"),
        "{p}"
    );
    assert_eq!(app.stored_events().await, 1);
}

#[tokio::test]
async fn custody_routes_are_bounded_and_need_a_key() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let labels = app.label_urls(1).await;
    let doc = document(vec![event(
        "shipping",
        "2026-11-21T10:02:00+01:00",
        &labels,
        None,
    )]);
    // Strangers get nothing.
    let res = app
        .send(
            Request::post("/api/v1/events")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(doc.clone()))
                .unwrap(),
        )
        .await;
    res.problem(401);
    app.get("/api/v1/events").await.problem(401);
    app.get("/api/v1/locations").await.problem(401);
    // Not JSON.
    let res = app
        .send(
            Request::post("/api/v1/events")
                .header(header::CONTENT_TYPE, "text/plain")
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from(doc))
                .unwrap(),
        )
        .await;
    res.problem(415);
    // Over the body limit, and over the events per document.
    let huge = format!("[{}]", "0,".repeat(app.state.config.body_limit / 2) + "0");
    app.capture(&key, &huge).await.problem(413);
    let many = vec![event("shipping", "2026-11-21T10:02:00+01:00", &labels, None); 501];
    let p = app.capture(&key, &document(many)).await.problem(400);
    assert_eq!(p["errors"][0]["field"], "/epcisBody/eventList", "{p}");
    // Bad query values and location fields.
    app.get_as("/api/v1/events?epc=12ab", &key)
        .await
        .problem(400);
    app.get_as("/api/v1/events?from=yesterday", &key)
        .await
        .problem(400);
    app.get_as("/api/v1/events?limit=501", &key)
        .await
        .problem(400);
    let p = app
        .json(
            Method::POST,
            "/api/v1/locations",
            Some(&key),
            &json!({"name": " ", "city": "Agadir", "id": "not a uri"}),
        )
        .await
        .problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "id"], "{p}");
    assert_eq!(app.stored_events().await, 0);
}
