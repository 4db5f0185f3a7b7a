package io.burnrate.schemas.parse;

/**
 * Why a record cannot be used: a reason code from {@link
 * io.burnrate.schemas.model.DeadLetter.Reasons} and a message naming the field and value. Parsers
 * throw it; the pipeline turns it into a dead letter. No stack trace is captured: it is a normal
 * outcome of bad input, not a bug, and it is cheap to throw.
 */
public class ParseException extends Exception {
  private final String reason;

  public ParseException(String reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  public String detail() {
    return getMessage();
  }
}
