using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt.Tests.Mapping;

public sealed class PresetYamlTests
{
    [Fact]
    public void TryParse_BlockAndFlowForms_SameTree()
    {
        const string Text = """
            # comment
            topic: '{device}/status/{component}'   # quoted: it starts with a brace
            tags: { site: "loos # en-gohelle", building: 'l''école' }
            fields:
              - { name: a, path: switch:0.apower, unit: '%' }
              - name: b
                path: DS18B20-1.Temperature
              -
                name: c
            list: [x, 'y, z']
            timestamp:
              path: ts
              format: iso8601|unix-ms
            """;

        var root = PresetYaml.TryParse(Text, out var problem);

        Assert.Null(problem);
        var entries = root!.Entries!.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("{device}/status/{component}", entries["topic"].Scalar);
        Assert.Equal("loos # en-gohelle", entries["tags"].Entries![0].Value.Scalar);
        Assert.Equal("l'école", entries["tags"].Entries![1].Value.Scalar);
        var fields = entries["fields"].Items!;
        Assert.Equal(3, fields.Count);
        Assert.Equal("switch:0.apower", fields[0].Entries![1].Value.Scalar);
        Assert.Equal("%", fields[0].Entries![2].Value.Scalar);
        Assert.Equal("DS18B20-1.Temperature", fields[1].Entries![1].Value.Scalar);
        Assert.Equal("c", fields[2].Entries![0].Value.Scalar);
        Assert.Equal(["x", "y, z"], entries["list"].Items!.Select(i => i.Scalar));
        Assert.Equal("iso8601|unix-ms", entries["timestamp"].Entries![1].Value.Scalar);
        Assert.Equal(13, entries["timestamp"].Entries![1].Value.Line);
    }

    [Theory]
    [InlineData("base: &b { a: 1 }", "line 1: '&' (anchors, tags, block scalars) is not supported in preset files")]
    [InlineData("a: 1\nb: |\n  text", "line 2: '|' (anchors, tags, block scalars) is not supported in preset files")]
    [InlineData("a: 1\na: 2", "line 2: key 'a' is given twice")]
    [InlineData("a: { b: 1", "line 1: expected ',' or '}' in a flow mapping")]
    [InlineData("a: 'open", "line 1: unterminated quoted string")]
    [InlineData("just text", "line 1: expected 'key: value', found 'just text'")]
    [InlineData("\ta: 1", "line 1: tabs cannot indent YAML")]
    [InlineData("# only a comment", "the file is empty")]
    public void TryParse_Unsupported_ProblemWithLine(string text, string expected)
    {
        Assert.Null(PresetYaml.TryParse(text, out var problem));
        Assert.Equal(expected, problem);
    }
}
