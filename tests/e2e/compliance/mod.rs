//! Search and compliance (issue 6): a known index built through the
//! `indexer` API (`fixture`), the real binary for the shell commands (`cli`),
//! `inkan serve` for the HTTP API (`api`; its page pictures in `pages`) and headless Chromium for the web
//! page (`browser`).

mod fixture;
mod http;

mod api;
mod browser;
mod cli;
mod pages;
