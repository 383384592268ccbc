// qingshan API documentation: reads /api/v1/openapi.json and lets the reader try every GET
// operation. Served from the package (no CDN, no external request); plain DOM, textContent
// only (nothing from the document or a response is ever parsed as HTML).
(function () {
  "use strict";
  var root = document.getElementById("apidocs");
  var spec = root.getAttribute("data-openapi");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function resolve(doc, schema) {
    var s = schema || {};
    if (s.$ref) {
      var name = s.$ref.split("/").pop();
      return (doc.components && doc.components.schemas && doc.components.schemas[name]) || {};
    }
    return s;
  }

  function field(doc, p) {
    var s = resolve(doc, p.schema);
    var choices = s.enum || (s.anyOf || []).reduce(function (a, x) {
      return a.concat(resolve(doc, x).enum || []);
    }, []);
    var input;
    if (choices.length) {
      input = el("select", {name: p.name});
      if (!p.required) { input.appendChild(el("option", {value: ""}, "")); }
      choices.forEach(function (c) {
        var o = el("option", {value: c}, c);
        if (s["default"] === c) { o.selected = true; }
        input.appendChild(o);
      });
    } else {
      var ex = (p.examples && Object.values(p.examples)[0]) || (s.examples && s.examples[0]);
      input = el("input", {name: p.name, type: "text"});
      if (ex && typeof ex === "object" && "value" in ex) { ex = ex.value; }
      if (ex !== undefined) { input.value = String(ex); }
      if (s.pattern) { input.setAttribute("pattern", s.pattern); input.title = s.pattern; }
    }
    var label = el("label", {}, p.name + (p.required ? " *" : "") + " (" + p["in"] + ") ");
    label.appendChild(input);
    if (p.description) { label.appendChild(el("span", {"class": "muted"}, " " + p.description)); }
    return label;
  }

  function operation(doc, path, method, op) {
    var box = el("details", {"class": "op", id: (op.operationId || path + method)});
    var sum = el("summary");
    sum.appendChild(el("code", {"class": "method"}, method.toUpperCase()));
    sum.appendChild(document.createTextNode(" "));
    sum.appendChild(el("code", {}, path));
    sum.appendChild(document.createTextNode(" — " + (op.summary || "")));
    box.appendChild(sum);
    if (op.description) { box.appendChild(el("p", {"class": "desc"}, op.description)); }
    if (method !== "get") {
      box.appendChild(el("p", {"class": "muted"}, "(not sent from this page: use curl or a client)"));
      return box;
    }
    var form = el("form", {"class": "try"});
    var params = op.parameters || [];
    params.forEach(function (p) { form.appendChild(field(doc, p)); });
    var send = el("button", {type: "submit"}, "Send");
    form.appendChild(send);
    var out = el("pre", {"class": "response"});
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var url = path, query = [];
      params.forEach(function (p) {
        var v = form.elements[p.name].value;
        if (v === "") { return; }
        if (p["in"] === "path") { url = url.replace("{" + p.name + "}", encodeURIComponent(v)); }
        else if (p["in"] === "query") { query.push(encodeURIComponent(p.name) + "=" + encodeURIComponent(v)); }
      });
      if (query.length) { url += "?" + query.join("&"); }
      out.textContent = "GET " + url + " …";
      fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (r) {
          return r.text().then(function (body) {
            var text = body;
            try { text = JSON.stringify(JSON.parse(body), null, 2); } catch (e) { /* not JSON */ }
            out.textContent = "GET " + url + "\n" + r.status + " " + r.statusText + "\n\n" + text;
          });
        })
        .catch(function (e) { out.textContent = "GET " + url + "\n" + e; });
    });
    box.appendChild(form);
    box.appendChild(out);
    return box;
  }

  fetch(spec).then(function (r) { return r.json(); }).then(function (doc) {
    root.textContent = "";
    root.appendChild(el("h1", {}, (doc.info && doc.info.title) + " " + (doc.info && doc.info.version)));
    if (doc.info && doc.info.description) { root.appendChild(el("p", {}, doc.info.description)); }
    var byTag = {};
    Object.keys(doc.paths).sort().forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || "other";
        (byTag[tag] = byTag[tag] || []).push([path, method, op]);
      });
    });
    Object.keys(byTag).sort().forEach(function (tag) {
      root.appendChild(el("h2", {}, tag));
      byTag[tag].forEach(function (x) { root.appendChild(operation(doc, x[0], x[1], x[2])); });
    });
  }).catch(function (e) { root.textContent = "Could not read " + spec + ": " + e; });
}());
