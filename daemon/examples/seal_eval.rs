//! Runs the seal evaluation on a corpus from `scripts/seal_corpus.py`.
//!
//! ```text
//! cargo run --release -p inkan --example seal_eval -- /tmp/seals/heldout
//! SEAL_CORPUS=/tmp/seals/tune cargo run --release -p inkan --example seal_eval -- --dump
//! ```
//! `--bench` times detection on a synthetic 300-dpi A4 page instead;
//! `--mask PAGE OUT.png` writes the detector's ink mask of one page.
//! `--dump` also prints, for tuning, the features of every false positive
//! and of the best candidate near every missed seal.

use std::path::PathBuf;

use inkan::eval::{load_page, load_truth, match_seals, run_eval};
use inkan::seal::candidates;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().any(|a| a == "--dump");
    if args.iter().any(|a| a == "--bench") {
        let cpu0 = inkan::eval::thread_cpu_ms();
        let ms = inkan::seal::bench_a4(30);
        let cpu = (inkan::eval::thread_cpu_ms() - cpu0) / 30.0;
        println!("detect_seals on a synthetic 2480x3508 colour page: {ms:.1} ms wall, {cpu:.1} ms CPU (mean of 30, one thread)");
        return;
    }
    if let [flag, page, out] = &args[..] {
        if flag == "--mask" {
            let page = inkan::decode::decode_file(std::path::Path::new(page)).expect("page decodes").remove(0);
            inkan::seal::mask_image(&page).save(out).expect("mask written");
            return;
        }
    }
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .or_else(|| std::env::var("SEAL_CORPUS").ok())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            eprintln!("usage: seal_eval [--dump] CORPUS_DIR (or SEAL_CORPUS=DIR)");
            std::process::exit(2);
        });
    if dump {
        dump_errors(&dir);
    }
    match run_eval(&dir, None) {
        Ok(rep) => print!("{rep}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

fn dump_errors(dir: &std::path::Path) {
    let truth = load_truth(dir).expect("truth.jsonl");
    for t in &truth {
        let Ok(page) = load_page(dir, t) else { continue };
        let cands = candidates(&page);
        let dets: Vec<_> = cands.iter().filter_map(|c| c.seal.clone()).collect();
        let m = match_seals(&dets, &t.seals);
        for (d, mm) in dets.iter().zip(&m) {
            if let Some(j) = mm {
                let c = cands.iter().find(|c| c.bbox == d.bbox).unwrap();
                println!("TP {} {} {} faded={} {:?} conf={:.2} {:?}", t.file, t.mode, t.seals[*j].shape, t.seals[*j].faded, d.bbox, d.confidence, c.features);
            }
            if mm.is_none() {
                let c = cands.iter().find(|c| c.bbox == d.bbox).unwrap();
                let neg = t.negatives.iter().find(|n| inkan::geom::PxRect::new(n.bbox[0], n.bbox[1], n.bbox[2], n.bbox[3]).iou(&d.bbox) > 0.1).map(|n| n.kind.as_str()).unwrap_or("?");
                println!("FP {} {} {:?} {:?} neg={neg} conf={:.2} {:?}", t.file, t.mode, d.bbox, d.shape, d.confidence, c.features);
            }
        }
        if std::env::var_os("SEAL_DUMP_ALL").is_some() {
            // Every candidate, for offline threshold studies: best truth IoU and the negative it lies on.
            for c in &cands {
                let iou = t.seals.iter().map(|s| inkan::geom::PxRect::new(s.bbox[0], s.bbox[1], s.bbox[2], s.bbox[3]).iou(&c.bbox)).fold(0.0f32, f32::max);
                let neg = t.negatives.iter().find(|n| inkan::geom::PxRect::new(n.bbox[0], n.bbox[1], n.bbox[2], n.bbox[3]).iou(&c.bbox) > 0.1).map(|n| n.kind.as_str()).unwrap_or("-");
                println!("CAND {} {} iou={iou:.2} neg={neg} seal={} {:?} {:?}", t.file, t.mode, c.seal.is_some(), c.bbox, c.features);
            }
        }
        for n in &t.negatives {
            let nb = inkan::geom::PxRect::new(n.bbox[0], n.bbox[1], n.bbox[2], n.bbox[3]);
            if let Some(c) = cands.iter().filter(|c| c.bbox.iou(&nb) > 0.3).max_by(|a, b| a.bbox.iou(&nb).total_cmp(&b.bbox.iou(&nb))) {
                println!("NEG {} {} {} seal={} {:?}", t.file, t.mode, n.kind, c.seal.is_some(), c.features);
            }
        }
        for (j, s) in t.seals.iter().enumerate() {
            if m.contains(&Some(j)) {
                continue;
            }
            let tb = inkan::geom::PxRect::new(s.bbox[0], s.bbox[1], s.bbox[2], s.bbox[3]);
            let best = cands.iter().max_by(|a, b| a.bbox.iou(&tb).total_cmp(&b.bbox.iou(&tb)));
            match best {
                Some(c) if c.bbox.iou(&tb) > 0.0 => println!(
                    "FN {} {} {} faded={} truth={:?} cand={:?} iou={:.2} {:?}",
                    t.file, t.mode, s.shape, s.faded, s.bbox, c.bbox, c.bbox.iou(&tb), c.features
                ),
                _ => println!("FN {} {} {} faded={} truth={:?} no candidate", t.file, t.mode, s.shape, s.faded, s.bbox),
            }
        }
    }
}
