//! The device inventory: `windowsAutopilotDeviceIdentities` (contains filter, `eq`
//! refused, paging, by id), `importedWindowsAutopilotDeviceIdentities` with `state`, and
//! `/_sim/devices`.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

const IDS: &str = "/beta/deviceManagement/windowsAutopilotDeviceIdentities";
const IMPORTED: &str = "/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";

async fn list(sim: &Sim, path: &str, filter: Option<&str>, token: &str) -> TestResponse {
    let mut req = sim
        .client
        .get(path)
        .bearer_auth(token)
        .header("host", "graph.test:80");
    if let Some(f) = filter {
        req = req.query(&[("$filter", f)]);
    }
    req.send().await.unwrap()
}

async fn add(sim: &Sim, devices: Value) -> Value {
    let (status, body) = sim
        .control(Method::POST, "/_sim/devices", Some(devices))
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

#[tokio::test]
async fn visibility_import_errors_and_profiles_follow_the_simulated_clock() {
    let sim = start(&["--freeze-clock"]).await;
    add(
        &sim,
        json!({"devices": [
            {"serialNumber": "NOW-1", "visibility": "immediately", "profileMs": 60000, "groupTag": "Sales"},
            {"serialNumber": "SYNC-1"},
            {"serialNumber": "NEVER-1", "visibility": "never"},
            {"serialNumber": "BAD-808", "import": {"errorCode": 808, "errorName": "ZtdDeviceAssignedToOtherTenant"}},
            {"serialNumber": "FAIL-1", "visibility": "immediately", "profile": "failed"},
            {"serialNumber": "SLOW-1", "visibility": "immediately", "importMs": 5000}
        ]}),
    )
    .await;
    let serials = |v: &Value| -> Vec<String> {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["serialNumber"].as_str().unwrap().to_string())
            .collect()
    };
    // The reader token may read.
    let res = list(&sim, IDS, None, RO).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(serials(&v), ["FAIL-1", "NOW-1"]);
    let now1 = &v["value"][1];
    assert_eq!(now1["deploymentProfileAssignmentStatus"], "pending");
    assert_eq!(now1["groupTag"], "Sales");
    assert_eq!(v["value"][0]["deploymentProfileAssignmentStatus"], "failed");
    assert_eq!(
        v["value"][0]["deploymentProfileAssignmentDetailedStatus"],
        "hardwareRequirementsNotMet"
    );
    let imported: Value = list(&sim, IMPORTED, None, RO).await.json().await.unwrap();
    let state_of = |v: &Value, sn: &str| {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["serialNumber"] == sn)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(
        state_of(&imported, "BAD-808")["deviceImportStatus"],
        "error"
    );
    assert_eq!(state_of(&imported, "BAD-808")["deviceErrorCode"], 808);
    assert_eq!(
        state_of(&imported, "BAD-808")["deviceErrorName"],
        "ZtdDeviceAssignedToOtherTenant"
    );
    assert_eq!(
        state_of(&imported, "SLOW-1")["deviceImportStatus"],
        "pending"
    );
    assert_eq!(
        state_of(&imported, "SYNC-1")["deviceImportStatus"],
        "complete"
    );
    // A completed sync makes afterSync devices visible; never stays hidden.
    assert_eq!(sim.sync().await.status(), 204);
    sim.advance(29_000).await;
    // SLOW-1 (immediately) shows once its import finished; SYNC-1 waits for the sync.
    assert_eq!(
        serials(&list(&sim, IDS, None, RO).await.json().await.unwrap()),
        ["FAIL-1", "NOW-1", "SLOW-1"]
    );
    sim.advance(1_000).await;
    let v: Value = list(&sim, IDS, None, RO).await.json().await.unwrap();
    assert_eq!(serials(&v), ["FAIL-1", "NOW-1", "SLOW-1", "SYNC-1"]);
    let v: Value = list(&sim, IDS, None, RO).await.json().await.unwrap();
    assert!(!serials(&v).contains(&"NEVER-1".to_string()));
    sim.advance(30_000).await;
    let v: Value = list(&sim, IDS, None, RO).await.json().await.unwrap();
    let now1 = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["serialNumber"] == "NOW-1")
        .unwrap()
        .clone();
    assert_eq!(now1["deploymentProfileAssignmentStatus"], "assignedInSync");
    assert_ne!(
        now1["deploymentProfileAssignedDateTime"],
        "0001-01-01T00:00:00Z"
    );
    // GET by id.
    let id = now1["id"].as_str().unwrap();
    let res = sim
        .call(Method::GET, &format!("{IDS}/{id}"), Some(RO))
        .await;
    assert_eq!(res.status(), 200);
    let one: Value = res.json().await.unwrap();
    assert_eq!(one["serialNumber"], "NOW-1");
    let res = sim
        .call(
            Method::GET,
            &format!("{IDS}/00000000-0000-0000-0000-000000000000"),
            Some(RO),
        )
        .await;
    assert_eq!(res.status(), 404);
    // The control view.
    let (status, view) = sim.control(Method::GET, "/_sim/devices", None).await;
    assert_eq!(status, 200);
    assert_eq!(view["devices"].as_array().unwrap().len(), 6);
    assert_eq!(view["pageSize"], 100);
    // Reset empties it.
    sim.control(Method::POST, "/_sim/reset", None).await;
    let (_, view) = sim.control(Method::GET, "/_sim/devices", None).await;
    assert_eq!(view["devices"], json!([]));
}

#[tokio::test]
async fn contains_filters_case_insensitively_and_eq_is_400() {
    let sim = start(&[]).await;
    add(&sim, json!([{"serialNumber": "ABC1", "visibility": "immediately"}, {"serialNumber": "ABC10", "visibility": "immediately"}, {"serialNumber": "O'NEIL", "visibility": "immediately"}])).await;
    let v: Value = list(&sim, IDS, Some("contains(serialNumber,'abc1')"), RO)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["value"].as_array().unwrap().len(),
        2,
        "contains matches ABC1 and ABC10"
    );
    let v: Value = list(&sim, IDS, Some("contains(serialNumber,'O''NEIL')"), RO)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["value"][0]["serialNumber"], "O'NEIL");
    for bad in [
        "serialNumber eq 'ABC1'",
        "id eq 'x'",
        "startswith(serialNumber,'A')",
    ] {
        for path in [IDS, IMPORTED] {
            let res = list(&sim, path, Some(bad), RO).await;
            assert_eq!(res.status(), 400, "{bad}");
            let err = graph_error(res).await;
            assert_eq!(err["code"], "BadRequest");
            assert!(
                err["message"]
                    .as_str()
                    .unwrap()
                    .contains("An error has occurred - Operation ID"),
                "{err}"
            );
        }
    }
}

#[tokio::test]
async fn pages_follow_next_links_with_a_serial_skiptoken() {
    let sim = start(&["--device-page-size", "2"]).await;
    let devices: Vec<Value> = (1..=5)
        .map(|i| json!({"serialNumber": format!("PG-{i}"), "visibility": "immediately"}))
        .collect();
    add(&sim, Value::Array(devices)).await;
    let mut seen = Vec::new();
    let mut url = format!("{IDS}?$filter=contains(serialNumber,%27PG%27)");
    let mut pages = 0;
    loop {
        let res = sim
            .client
            .get(&url)
            .bearer_auth(RO)
            .header("host", "graph.test:80")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        pages += 1;
        for d in v["value"].as_array().unwrap() {
            seen.push(d["serialNumber"].as_str().unwrap().to_string());
        }
        match v["@odata.nextLink"].as_str() {
            Some(link) => {
                assert!(link.starts_with("http://graph.test:80/beta/deviceManagement/windowsAutopilotDeviceIdentities?"), "{link}");
                assert!(link.contains("skiptoken=LastSerialNumber"), "{link}");
                url = link.trim_start_matches("http://graph.test:80").to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["PG-1", "PG-2", "PG-3", "PG-4", "PG-5"]);
    // The page size can change at run time; $top asks for fewer.
    let (status, _) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(json!({"devicePageSize": 10})),
        )
        .await;
    assert_eq!(status, 200);
    let v: Value = list(&sim, IDS, None, RO).await.json().await.unwrap();
    assert_eq!(v["value"].as_array().unwrap().len(), 5);
    assert!(v.get("@odata.nextLink").is_none());
    let (status, _) = sim
        .control(
            Method::PATCH,
            "/_sim/config",
            Some(json!({"devicePageSize": 0})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn reads_need_a_token_and_bad_device_lists_are_refused() {
    let sim = start(&[]).await;
    let res = sim.call(Method::GET, IDS, None).await;
    assert_eq!(res.status(), 401);
    let (status, body) = sim
        .control(
            Method::POST,
            "/_sim/devices",
            Some(json!({"devices": [{"serial": "x"}]})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    add(&sim, json!({"serialNumber": "DUP"})).await;
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/devices",
            Some(json!({"serialNumber": "dup"})),
        )
        .await;
    assert_eq!(status, 409);
}
