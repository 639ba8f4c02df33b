using System.Text;

namespace GuruConnect.Server.Errors;

/// <summary>
/// The one rule for text a client sends (JSON string fields, query parameters): no control
/// characters (C0, DEL, C1 — NUL among them) and no unpaired surrogates. PostgreSQL cannot store
/// U+0000 at all and SQLite stores it silently, so without this the same request is a 500 on one
/// engine and a poisoned row on the other; names, labels, notes and search terms never need them.
/// Passwords are exempt (they are only hashed). See docs/security.md, input bounds.
/// </summary>
internal static class TextInput
{
    public const string Message = "Control characters (such as U+0000) and unpaired surrogates are not allowed.";

    public static bool IsAcceptable(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A JSON path as System.Text.Json reports it (<c>$.labels.tags[1]</c>) as an <c>errors</c> key (<c>labels.tags[1]</c>).</summary>
    public static string FieldFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = new StringBuilder(path.Length);
        // Names that need quoting come as $['odd name']; keep them readable.
        field.Append(path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$'));
        return field.Replace("['", ".").Replace("']", string.Empty).ToString().TrimStart('.');
    }
}
