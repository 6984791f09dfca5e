using System.Collections;

namespace Loos.Edge.Core;

/// <summary>One problem in a configuration: the key it is about, and the sentence that says what is wrong.</summary>
/// <param name="Key">The configuration key, such as <c>forwarder:targets:0:url</c>; the site-file loader points at its line.</param>
/// <param name="Text">The whole message, naming the key: <c>forwarder:targets:0:url must be an absolute http(s) URL</c>.</param>
public sealed record ConfigurationProblem(string Key, string Text);

/// <summary>
/// The problems a validator found, each with its key kept apart from its text, so that the site-file loader can say
/// <c>file:line</c> without reading the message. Enumerates the messages, in the order found.
/// </summary>
public sealed class ConfigurationProblems : IReadOnlyList<string>
{
    private readonly List<ConfigurationProblem> entries = [];

    /// <summary>The problems <paramref name="collect"/> adds, for a validator that plans as it checks.</summary>
    public static ConfigurationProblems Of(Action<ConfigurationProblems> collect)
    {
        ArgumentNullException.ThrowIfNull(collect);
        var problems = new ConfigurationProblems();
        collect(problems);
        return problems;
    }

    /// <summary>The problems with their keys.</summary>
    public IReadOnlyList<ConfigurationProblem> Entries => entries;

    public int Count => entries.Count;

    public string this[int index] => entries[index].Text;

    /// <summary>
    /// Adds a problem about <paramref name="key"/>. The message continues the key: <c>"must be positive"</c> reads
    /// "buffer:capBytes must be positive", <c>": set while …"</c> reads "mqtt:tls:caFile: set while …".
    /// </summary>
    public void Add(string key, string message)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        entries.Add(new ConfigurationProblem(key, message.StartsWith(':') ? key + message : $"{key} {message}"));
    }

    /// <summary>Adds every problem of <paramref name="other"/>, keys kept.</summary>
    public void AddRange(ConfigurationProblems other)
    {
        ArgumentNullException.ThrowIfNull(other);
        entries.AddRange(other.entries);
    }

    /// <summary>Adds the problems of <paramref name="other"/> that <paramref name="keep"/> keeps, keys kept.</summary>
    public void AddRange(ConfigurationProblems other, Func<ConfigurationProblem, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(other);
        entries.AddRange(other.entries.Where(keep));
    }

    public IEnumerator<string> GetEnumerator() => entries.Select(entry => entry.Text).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
