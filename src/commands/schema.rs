//! `jhubgen schema`: print the JSON Schema of the input spec.

use super::{Ctx, Exit};
use crate::cli::SchemaArgs;

impl SchemaArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        ctx.out(&jhubgen::schema_text())?;
        Ok(())
    }
}
