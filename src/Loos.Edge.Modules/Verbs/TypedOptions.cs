using System.Numerics;

namespace Loos.Edge.Verbs;

/// <summary>Reads an option's text as a technician types it.</summary>
/// <returns>Null when <paramref name="value"/> is read, else the problem as the technician should see it.</returns>
public delegate string? OptionTextParser<T>(string text, out T value);

/// <summary>
/// Options whose values are read and checked while the command line is parsed, so that a bad value ends in the one
/// bad-arguments report (exit code 2) naming the option, before the verb runs.
/// </summary>
public static class TypedOptions
{
    /// <summary>An option read by <paramref name="parse"/>; what it refuses is a parse error.</summary>
    public static Option<T> Parsed<T>(string name, OptionTextParser<T> parse, params string[] aliases) => new(name, aliases)
    {
        // One value, also for lists (written with commas), which System.CommandLine would otherwise take as several tokens.
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            // Called only for a value on the command line, which the option's arity makes one token.
            var problem = parse(result.Tokens[^1].Value.Trim(), out var value);
            if (problem is not null)
            {
                result.AddError(problem);
            }

            return value;
        },
    };

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>, e.g. a unit id.</summary>
    /// <param name="expected">What the number is, for the error: "--unit 300 is not a unit id (0-247)"; by default the range.</param>
    public static Option<T> Number<T>(string name, T minimum, T maximum, string? expected = null, params string[] aliases)
        where T : struct, IBinaryInteger<T> =>
        Parsed(name, (string text, out T value) => ParseNumber(name, text, minimum, maximum, expected, out value), aliases);

    /// <summary>Like <see cref="Number{T}"/>, with no value when the option is absent.</summary>
    public static Option<T?> OptionalNumber<T>(string name, T minimum, T maximum, string? expected = null, params string[] aliases)
        where T : struct, IBinaryInteger<T> =>
        Parsed(name, (string text, out T? value) =>
        {
            var problem = ParseNumber(name, text, minimum, maximum, expected, out var number);
            value = number;
            return problem;
        }, aliases);

    /// <summary>A finite decimal number written with a point, e.g. a price; no value when the option is absent.</summary>
    public static Option<double?> OptionalDecimal(string name) => Parsed(name, (string text, out double? value) =>
    {
        value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;
        return value is null ? $"{name} {text} is not a number" : null;
    });

    /// <summary>
    /// A comma-separated list, e.g. <c>9600,19200</c>, each item read by <paramref name="parseItem"/>; empty when the
    /// option is absent (an empty list on the command line is refused).
    /// </summary>
    public static Option<T[]> ListOf<T>(string name, OptionTextParser<T> parseItem) =>
        Parsed(name, (string text, out T[] values) =>
        {
            values = [];
            var items = new List<T>();
            foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (parseItem(part, out var item) is { } problem)
                {
                    return problem;
                }

                items.Add(item);
            }

            values = [.. items];
            return items.Count == 0 ? $"{name} is empty" : null;
        });

    /// <summary>Reads a whole number in a range; the problem names <paramref name="name"/>.</summary>
    public static string? ParseNumber<T>(string name, string text, T minimum, T maximum, string? expected, out T value)
        where T : struct, IBinaryInteger<T> =>
        T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= minimum && value <= maximum
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{name} {text} is not {expected ?? $"a number from {minimum} to {maximum}"}");
}
