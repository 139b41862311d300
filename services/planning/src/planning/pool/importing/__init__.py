"""The talent pool's XLSX import: the template (``workbook``), the parser (``parse``) and the
import itself (``service``)."""
