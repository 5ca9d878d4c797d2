// Minimal chat widget over the same-origin relay /api/chat.
// User and bot text are always inserted as text nodes, never as HTML.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("input");
  var statusLine = document.getElementById("status");
  var URL_PATTERN = /(https:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g;

  function senderId() {
    var id = sessionStorage.getItem("bvo-sender");
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      sessionStorage.setItem("bvo-sender", id);
    }
    return id;
  }

  function appendText(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (url, _m, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + url.length;
      return url;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(who, text, buttons) {
    var item = document.createElement("li");
    item.className = "chat__msg chat__msg--" + who;
    var label = document.createElement("span");
    label.className = "chat__who";
    label.textContent = who === "user" ? "U:" : "Assistent:";
    item.appendChild(label);
    appendText(item, text || "");
    if (buttons && buttons.length) {
      var row = document.createElement("div");
      row.className = "chat__buttons";
      buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(btn);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function send(message, shown) {
    addMessage("user", shown || message);
    statusLine.textContent = "";
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId(), message: message })
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (messages) {
      messages.forEach(function (m) {
        // A blank line in an answer starts a new chat bubble.
        var parts = (m.text || "").split(/\n\s*\n/);
        parts.forEach(function (part, i) {
          addMessage("bot", part, i === parts.length - 1 ? m.buttons : null);
        });
      });
    }).catch(function () {
      statusLine.textContent = "Er ging iets mis met de verbinding. Probeer het over een paar minuten opnieuw.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
})();
