"""The interview notice (巡察整改约谈通知书) a red card brings: a numbered .docx letter to the
org, in the jurisdiction's template. The number (文号) is taken once, on the first request,
and kept on the card; later requests render the same letter again."""
