//! `jhubgen schema`: print the JSON Schema of the input spec.

use super::{Ctx, OK};

#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    pub fn run(self, _ctx: &Ctx) -> u8 {
        super::stdout(&jhubgen::schema_text());
        OK
    }
}
