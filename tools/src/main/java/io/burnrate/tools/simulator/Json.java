package io.burnrate.tools.simulator;

/** A tiny JSON writer for the simulator's fixed shapes (fast; values are escaped). */
final class Json {
  private final StringBuilder sb = new StringBuilder(512);
  private boolean first = true;

  Json open() {
    comma();
    sb.append('{');
    first = true;
    return this;
  }

  Json open(String name) {
    key(name);
    sb.append('{');
    first = true;
    return this;
  }

  Json close() {
    sb.append('}');
    first = false;
    return this;
  }

  Json array(String name) {
    key(name);
    sb.append('[');
    first = true;
    return this;
  }

  Json closeArray() {
    sb.append(']');
    first = false;
    return this;
  }

  Json str(String name, String v) {
    key(name);
    if (v == null) {
      sb.append("null");
    } else {
      quote(v);
    }
    return this;
  }

  Json num(String name, double v) {
    key(name);
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      sb.append((long) v);
    } else {
      sb.append(v);
    }
    return this;
  }

  Json num(String name, long v) {
    key(name);
    sb.append(v);
    return this;
  }

  Json bool(String name, boolean v) {
    key(name);
    sb.append(v);
    return this;
  }

  Json raw(String name, String json) {
    key(name);
    sb.append(json);
    return this;
  }

  private void key(String name) {
    comma();
    quote(name);
    sb.append(':');
    first = false;
  }

  private void comma() {
    if (!first) {
      sb.append(',');
    }
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  byte[] bytes() {
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
