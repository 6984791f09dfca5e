using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Loos.Edge.Core.LineProtocol;

/// <summary>The lexical rules of line protocol: tokens and their escapes, whitespace, reserved keys, and how errors quote text.</summary>
internal static class LineProtocolSyntax
{
    // InfluxDB reserves these keys and drops points that use them as tag or field keys (line-protocol reference,
    // "Naming restrictions"); rejecting here keeps them out of the dead-letter file.
    private static readonly string[] ReservedKeys = ["time", "_field", "_measurement"];

    // Stops at an unescaped ',' or ' ' (and '=' when asked); a backslash always takes the next byte with it, as in
    // InfluxDB's scanner. dangling: the line ends in a backslash that would escape the newline.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScanToken(ReadOnlySpan<byte> line, int i, bool stopAtEquals, out bool dangling)
    {
        dangling = false;
        while (i < line.Length)
        {
            var b = line[i];
            if (b == '\\')
            {
                if (i + 1 == line.Length)
                {
                    dangling = true;
                    return line.Length;
                }

                i += 2;
                continue;
            }

            if (b == ',' || b == ' ' || (stopAtEquals && b == '='))
            {
                return i;
            }

            i++;
        }

        return i;
    }

    public static string? Unescape(ReadOnlySpan<byte> raw)
    {
        if (!raw.Contains((byte)'\\'))
        {
            return Utf8.IsValid(raw) ? Encoding.UTF8.GetString(raw) : null;
        }

        var buffer = raw.Length <= 256 ? stackalloc byte[256] : new byte[raw.Length];
        var length = 0;
        for (var k = 0; k < raw.Length; k++)
        {
            if (raw[k] == '\\' && k + 1 < raw.Length && raw[k + 1] is (byte)',' or (byte)'=' or (byte)' ' or (byte)'"' or (byte)'\\')
            {
                k++;
            }

            buffer[length++] = raw[k];
        }

        var unescaped = buffer[..length];
        return Utf8.IsValid(unescaped) ? Encoding.UTF8.GetString(unescaped) : null;
    }

    public static bool IsReserved(string key) => Array.IndexOf(ReservedKeys, key) >= 0;

    public static string KindName(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "integer",
        ValueKind.Boolean => "boolean",
        _ => "float",
    };

    public static LineFailure NewlineInName(int backslashOffset) =>
        new(backslashOffset, "a backslash escapes the end of the line: newlines are not allowed in names, tag values or field keys");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
        {
            i++;
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipSpaces(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        return i;
    }

    public static string Snippet(ReadOnlySpan<byte> text) => Snippet(Encoding.UTF8.GetString(text));

    public static string Snippet(string text)
    {
        // Error messages quote the offending text, shortened so that a huge line does not flood a log.
        const int MaxChars = 40;
        return text.Length <= MaxChars ? text : string.Concat(text.AsSpan(0, MaxChars), "…");
    }
}

/// <summary>Why a line was refused: the byte offset in the line where the problem starts, and what it is.</summary>
internal readonly record struct LineFailure(int Offset, string Reason);
