#!/usr/bin/env node
// Checks GeoJSON files with @placemarkio/check-geojson, a strict validator
// that has no command line of its own (tests/gdal_clients.rs runs this).
//
//   node tests/clients/check-geojson.js FILE...
//
// A `.geojsonl` file (GeoJSON text sequence) is checked one non-empty line at
// a time, so each line must be a complete GeoJSON object; any other file is
// checked whole. Every issue is printed as `FILE#LINE: MESSAGE`.
// Exit status: 0 when no file has an issue, 1 when any has, 2 when a file
// cannot be read or no file is given.
'use strict';

const fs = require('fs');
const { getIssues } = require('@placemarkio/check-geojson');

/** The 1-based line of a character offset in a text. */
function lineOf(text, offset) {
  return text.slice(0, offset).split('\n').length;
}

/** The issues of one file, as `{ line, message }`. */
function fileIssues(name, text) {
  if (!name.endsWith('.geojsonl')) {
    return getIssues(text).map((issue) => ({
      line: lineOf(text, issue.from),
      message: issue.message,
    }));
  }
  const found = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    for (const issue of getIssues(line)) {
      found.push({ line: index + 1, message: issue.message });
    }
  });
  return found;
}

function main(files) {
  if (files.length === 0) {
    console.error('usage: check-geojson.js FILE...');
    return 2;
  }
  let status = 0;
  for (const name of files) {
    let text;
    try {
      text = fs.readFileSync(name, 'utf8');
    } catch (err) {
      console.error(`${name}: cannot read: ${err.message}`);
      return 2;
    }
    for (const { line, message } of fileIssues(name, text)) {
      console.log(`${name}#${line}: ${message}`);
      status = 1;
    }
  }
  return status;
}

process.exitCode = main(process.argv.slice(2));
