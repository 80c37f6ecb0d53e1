// The `express4` alias (npm:express@4) ships no types; Express 4 and 5 share the API these tests use.
declare module 'express4' {
  import express = require('express');
  export default express;
}
