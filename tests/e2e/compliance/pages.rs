//! The page pictures of the HTTP API: page previews, hit boxes and seal
//! crops, drawn from the fixture's real searchable PDFs (colour, and G4 for
//! the NDA); authentication, unknown ids and pages, path traversal.

use super::fixture::{Fixture, D1, D2, D4, PAGE_H, PAGE_W};
use super::http::Server;

fn image_of(body: &[u8]) -> image::DynamicImage {
    image::load_from_memory(body).unwrap_or_else(|e| panic!("not an image ({e}): {} bytes", body.len()))
}

#[test]
fn previews_hit_boxes_and_seal_crops() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);

    // The search hit links its page's preview; the preview is a 900 px JPEG.
    let hit = &s.get("/api/search?q=%E7%BD%B2%E5%90%8D%E6%8D%BA%E5%8D%B0").json()["hits"][0];
    assert_eq!((hit["doc_id"].as_str(), hit["page"].as_u64()), (Some(D1), Some(2)));
    assert_eq!(hit["preview"], format!("/api/documents/{D1}/pages/2/preview"));
    assert_eq!(hit["possible_duplicate_of"], serde_json::Value::Null);
    let r = s.get(hit["preview"].as_str().unwrap());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("image/jpeg"));
    let img = image_of(&r.body);
    assert_eq!((img.width(), img.height()), (900, PAGE_H * 900 / PAGE_W));
    assert!(f.data.join("cache/previews").join(format!("{D1}-2.jpg")).is_file(), "cached under DATA/cache");
    assert_eq!(s.get(hit["preview"].as_str().unwrap()).body, r.body, "the cache serves the same picture");
    // A black-and-white (G4) page previews too.
    let r = s.get(&format!("/api/documents/{D2}/pages/2/preview"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(image_of(&r.body).width(), 900);

    // 署名捺印 on page 2, line 2 ("甲乙記名の上署名捺印する。", characters 6..10 of 13).
    let r = s.get(&format!("/api/documents/{D1}/pages/2/hits?q=%E7%BD%B2%E5%90%8D%E6%8D%BA%E5%8D%B0"));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!((body["width"].as_u64(), body["height"].as_u64()), (Some(PAGE_W as u64), Some(PAGE_H as u64)));
    assert_eq!(body["preview"], format!("/api/documents/{D1}/pages/2/preview"));
    let boxes = body["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), 1, "{body}");
    assert_eq!(boxes[0]["text"], "署名捺印");
    let line = [120u64, 510, 120 + 44 * 13, 560];
    let b: Vec<u64> = boxes[0]["bbox"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(b, vec![line[0] + (line[2] - line[0]) * 6 / 13, 510, line[0] + ((line[2] - line[0]) * 10).div_ceil(13), 560], "{body}");
    // No match on that page: no boxes, not an error.
    let none = s.get(&format!("/api/documents/{D1}/pages/1/hits?q=%E7%BD%B2%E5%90%8D%E6%8D%BA%E5%8D%B0")).json();
    assert_eq!(none["boxes"], serde_json::json!([]));

    // Seal crops: the NDA has three (two on page 1, one on page 2).
    for k in 1..=3 {
        let r = s.get(&format!("/api/documents/{D2}/seals/{k}"));
        assert_eq!(r.status, 200, "seal {k}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("image/png"));
        let crop = image_of(&r.body);
        assert!(crop.width() > 100 && crop.width() <= 200, "{}", crop.width());
    }
    let crop = image_of(&s.get(&format!("/api/documents/{D1}/seals/1")).body).to_rgb8();
    assert!(crop.pixels().any(|p| p.0[0] > 150 && p.0[1] < 80), "the crop shows the red seal");

    // Unknown ids, pages and seals: 404; malformed numbers and an empty query: 400.
    for (path, status) in [
        ("/api/documents/ffffffffffffffff/pages/1/preview".to_string(), 404),
        (format!("/api/documents/{D1}/pages/3/preview"), 404),
        (format!("/api/documents/{D1}/pages/3/hits?q=x"), 404),
        ("/api/documents/ffffffffffffffff/pages/1/hits?q=x".to_string(), 404),
        (format!("/api/documents/{D2}/seals/4"), 404),
        (format!("/api/documents/{D4}/seals/1"), 404),
        ("/api/documents/ffffffffffffffff/seals/1".to_string(), 404),
        (format!("/api/documents/{D1}/pages/0/preview"), 400),
        (format!("/api/documents/{D1}/pages/two/preview"), 400),
        (format!("/api/documents/{D1}/seals/-1"), 400),
        (format!("/api/documents/{D1}/pages/1/hits"), 400),
        (format!("/api/documents/{D1}/pages/1/hits?q=%20"), 400),
    ] {
        let r = s.get(&path);
        assert_eq!(r.status, status, "{path}: {}", r.text());
        assert!(r.json()["error"].is_string(), "{path}");
    }
    // The OpenAPI document describes the three routes.
    let spec = s.get("/api/openapi.json").json();
    for path in ["/api/documents/{id}/pages/{n}/preview", "/api/documents/{id}/pages/{n}/hits", "/api/documents/{id}/seals/{k}"] {
        assert!(spec["paths"][path]["get"].is_object(), "{path} is not described");
    }
    assert!(spec["components"]["schemas"]["Hit"]["properties"]["possible_duplicate_of"].is_object());

    // The PDF gone: 404, not a 500 (and nothing cached for it).
    std::fs::remove_file(f.data.join("output").join(format!("{D2}.pdf"))).unwrap();
    std::fs::remove_dir_all(f.data.join("cache")).unwrap();
    assert_eq!(s.get(&format!("/api/documents/{D2}/pages/1/preview")).status, 404);
    assert_eq!(s.get(&format!("/api/documents/{D2}/seals/1")).status, 404);
}

#[test]
fn picture_routes_reach_no_other_file() {
    let f = Fixture::new();
    let s = Server::start(&f.data, &["--listen", "127.0.0.1:0"]);
    for path in [
        "/api/documents/..%2F..%2Fetc%2Fpasswd/pages/1/preview",
        "/api/documents/../../etc/passwd/pages/1/preview",
        "/api/documents/%2e%2e/pages/1/preview",
        "/api/documents/a1b2c3d4e5f60001/pages/..%2F..%2F..%2Fetc%2Fpasswd/preview",
        "/api/documents/a1b2c3d4e5f60001/pages/1%2F..%2F..%2Fmeta.json/preview",
        "/api/documents/a1b2c3d4e5f60001/pages/1/preview/../../../../etc/passwd",
        "/api/documents/a1b2c3d4e5f60001/pages/1/preview%00",
        "/api/documents/a1b2c3d4e5f60001/seals/..%2F..%2Findex%2Fmeta.json",
        "/api/documents/a1b2c3d4e5f60001/seals/1%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2Fetc%2Fpasswd/seals/1",
        "/api/documents/a1b2c3d4e5f60001%00/pages/1/hits?q=x",
        "/api/documents/..%5C..%5Cindex/pages/1/hits?q=x",
    ] {
        s.assert_refused(path);
    }
}

#[test]
fn picture_routes_need_the_token() {
    let f = Fixture::new();
    let s = Server::start_with_token(&f.data, "correct-horse-battery-staple");
    for path in [format!("/api/documents/{D1}/pages/2/preview"), format!("/api/documents/{D1}/pages/2/hits?q=x"), format!("/api/documents/{D1}/seals/1")] {
        let r = s.get(&path);
        assert_eq!(r.status, 401, "{path} without a token");
        assert_eq!(s.get_with(&path, &[("Authorization", "Bearer wrong")]).status, 401, "{path}");
        let ok = s.get_with(&path, &[("Authorization", "Bearer correct-horse-battery-staple")]);
        assert_eq!(ok.status, 200, "{path} with the token: {}", ok.text());
    }
    assert!(!f.data.join("cache/seals").join(format!("{D2}-1.png")).exists());
}
