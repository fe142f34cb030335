#!/usr/bin/env node
// Read the SARIF log that `Sarif.Multitool validate --output` wrote about one
// validated file, print every finding and every tool notification, and exit
//   0  the validator ran and reported no error-level finding,
//   1  it reported at least one error-level finding,
//   2  the validator itself did not run properly (its log says so).
//
//   node report.js VALIDATOR_OUTPUT.sarif VALIDATED_FILE [LOAD_RC LOAD_OUTPUT]
//
// LOAD_RC / LOAD_OUTPUT: exit status and console output of
// `Sarif.Multitool rewrite VALIDATED_FILE`, which loads the file into the SARIF
// SDK's object model. `validate` loses every finding, and still reports
// success, when that load throws anything but a JsonSerializationException
// (an unknown enum value such as "level": "critical", a non-integer where an
// integer belongs); a failed load is reported here as error MULTITOOL-LOAD.
//
// Levels: the validator leaves 'level' off results whose level equals its
// rule's default (SARIF §3.27.10), so the effective level is result.level,
// else rules[ruleIndex].defaultConfiguration.level, else "warning". Messages
// are stored as message.id + arguments; the text comes from the rule's
// messageStrings.
"use strict";

const fs = require("fs");

const [outPath, target, loadRc, loadOutPath] = process.argv.slice(2);
if (!outPath || !target) {
    console.error("usage: node report.js VALIDATOR_OUTPUT.sarif VALIDATED_FILE");
    process.exit(2);
}

let log;
try {
    log = JSON.parse(fs.readFileSync(outPath, "utf8"));
} catch (e) {
    console.log(`${target}: TOOL-ERROR: cannot read the validator's output log ${outPath}: ${e.message}`);
    process.exit(2);
}

function fill(template, args) {
    return template.replace(/\{(\d+)\}/g, (m, i) => (args[i] !== undefined ? String(args[i]) : m));
}

function messageText(message, rule) {
    if (!message) return "(no message)";
    if (typeof message.text === "string") return message.text;
    const strings = (rule && rule.messageStrings) || {};
    const s = message.id && strings[message.id];
    if (s && typeof s.text === "string") return fill(s.text, message.arguments || []);
    return `${message.id || "(no message id)"} ${JSON.stringify(message.arguments || [])}`;
}

const counts = { error: 0, warning: 0, note: 0, none: 0 };
let toolFailed = false;
const runs = Array.isArray(log.runs) ? log.runs : [];
if (runs.length === 0) {
    console.log(`${target}: TOOL-ERROR: the validator's output log has no run`);
    toolFailed = true;
}

for (const run of runs) {
    const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
    const ruleFor = (r) =>
        (Number.isInteger(r.ruleIndex) && rules[r.ruleIndex]) || rules.find((x) => x.id === r.ruleId);

    for (const inv of run.invocations || []) {
        const notes = [...(inv.toolConfigurationNotifications || []), ...(inv.toolExecutionNotifications || [])];
        for (const n of notes) {
            const level = n.level || "warning";
            const id = (n.descriptor && n.descriptor.id) || "notification";
            const text = (n.message && n.message.text) || "";
            console.log(`${target}: tool ${level} ${id}: ${text}`);
            if (level === "error") toolFailed = true;
        }
        if (inv.executionSuccessful === false) {
            console.log(`${target}: TOOL-ERROR: the validator reports executionSuccessful=false`);
            toolFailed = true;
        }
    }

    for (const r of run.results || []) {
        const rule = ruleFor(r);
        const kind = r.kind || "fail";
        let level = r.level;
        if (!level) {
            level = kind === "fail"
                ? (rule && rule.defaultConfiguration && rule.defaultConfiguration.level) || "warning"
                : "none";
        }
        counts[level] = (counts[level] || 0) + 1;
        const loc = r.locations && r.locations[0] && r.locations[0].physicalLocation;
        const region = (loc && loc.region) || {};
        const where = region.startLine
            ? `${target}:${region.startLine}:${region.startColumn || 1}`
            : target;
        const name = rule && rule.name ? `.${rule.name}` : "";
        console.log(`${where}: ${level} ${r.ruleId || "?"}${name}: ${messageText(r.message, rule)}`);
    }
}

if (loadRc !== undefined && loadRc !== "0") {
    let why = `exit status ${loadRc}`;
    try {
        const lines = fs.readFileSync(loadOutPath, "utf8").split("\n");
        const ex = lines.find((l) => /^[\w.]+(Exception|Error): /.test(l.trim()));
        if (ex) why = ex.trim();
    } catch (e) {
        // keep the exit status
    }
    counts.error += 1;
    console.log(`${target}: error MULTITOOL-LOAD: the SARIF SDK cannot load this file ` +
        `('Sarif.Multitool rewrite' fails): ${why}`);
}

const summary = `${counts.error} error(s), ${counts.warning} warning(s), ${counts.note} note(s)`;
if (toolFailed) {
    console.log(`${target}: TOOL-ERROR (${summary})`);
    process.exit(2);
}
console.log(`${target}: ${counts.error === 0 ? "ok" : "INVALID"} (${summary})`);
process.exit(counts.error === 0 ? 0 : 1);
