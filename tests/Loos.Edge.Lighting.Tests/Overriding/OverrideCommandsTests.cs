using System.Text;
using System.Text.Json;
using Loos.Edge.Lighting.Overriding;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Lighting.Tests.Overriding;

public sealed class OverrideCommandsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("loos-edge-override-commands-").FullName;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 7, 14, 18, 0, 0, TimeSpan.Zero));
    private readonly OverrideCommands commands;

    public OverrideCommandsTests()
    {
        var store = new OverrideStore(Path.Combine(folder, "lighting-overrides.dat"), ["rue-basly", "place-verte"], time);
        commands = new OverrideCommands(store, time, NullLogger<OverrideCommands>.Instance);
    }

    [Fact]
    public void Add_GoodRequest_RepliesAppliedWithTheOverrideInUtc()
    {
        var result = Handle("""{"action":"add","circuits":["rue-basly"],"level":100,"from":"2026-07-14T22:30:00+02:00","until":"2026-07-15T00:30:00+02:00","reason":"feu d'artifice"}""");

        Assert.Equal(OverrideResultKind.Created, result.Kind);
        var reply = ReplyJson(result);
        Assert.True(reply.GetProperty("applied").GetBoolean());
        var added = reply.GetProperty("override");
        Assert.Equal(8, added.GetProperty("id").GetString()!.Length);
        Assert.Equal("rue-basly", added.GetProperty("circuits")[0].GetString());
        Assert.False(added.GetProperty("all").GetBoolean());
        Assert.Equal(100, added.GetProperty("level").GetInt32());
        Assert.Equal("2026-07-14T20:30:00Z", added.GetProperty("from").GetString());
        Assert.Equal("2026-07-14T22:30:00Z", added.GetProperty("until").GetString());
        Assert.Equal("feu d'artifice", added.GetProperty("reason").GetString());
        Assert.Equal("2026-07-14T18:00:00Z", added.GetProperty("created").GetString());
        Assert.False(reply.TryGetProperty("error", out _));
    }

    [Fact]
    public void Add_AllWithoutFrom_StartsNow_AndListThenCancel_ShowAndEndIt()
    {
        var added = ReplyJson(Handle("""{"action":"add","all":true,"level":0,"until":"2026-07-14T20:00:00Z"}""")).GetProperty("override");
        Assert.True(added.GetProperty("all").GetBoolean());
        Assert.Equal("2026-07-14T18:00:00Z", added.GetProperty("from").GetString());
        var id = added.GetProperty("id").GetString();

        var listed = ReplyJson(Handle("""{"action":"list"}""")).GetProperty("overrides");
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());

        var cancelled = Handle($$"""{"action":"cancel","id":"{{id}}"}""");
        Assert.Equal(OverrideResultKind.Done, cancelled.Kind);
        Assert.Equal(id, ReplyJson(cancelled).GetProperty("override").GetProperty("id").GetString());
        Assert.Empty(ReplyJson(Handle("""{"action":"list"}""")).GetProperty("overrides").EnumerateArray());
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "tonight please", "the request is not valid JSON" },
        { """{"action":"add","circuits":["rue-basly"],"levl":100,"until":"2026-07-14T20:00:00Z"}""", "'levl'" },
        { """{"circuits":["rue-basly"],"level":100}""", "action is missing" },
        { """{"action":"pause"}""", "action 'pause' is not one of add, cancel, list" },
        { """{"action":"add","level":100,"until":"2026-07-14T20:00:00Z"}""", "circuits is missing" },
        { """{"action":"add","all":true,"circuits":["rue-basly"],"level":100,"until":"2026-07-14T20:00:00Z"}""", "give circuits or all, not both" },
        { """{"action":"add","all":true,"until":"2026-07-14T20:00:00Z"}""", "level is missing" },
        { """{"action":"add","all":true,"level":"full","until":"2026-07-14T20:00:00Z"}""", "$.level" },
        { """{"action":"add","all":true,"level":100}""", "until is missing" },
        { """{"action":"add","all":true,"level":100,"until":"tomorrow"}""", "until 'tomorrow' is not an ISO 8601 time with its offset" },
        { """{"action":"add","all":true,"level":100,"until":"2026-07-14T23:00"}""", "until '2026-07-14T23:00' is not an ISO 8601 time with its offset" },
        { """{"action":"add","all":true,"level":100,"from":"2026-07-14T23:00:00+02:00","until":"2026-07-14T21:00:00Z"}""", "until 2026-07-14T21:00:00Z is not after from 2026-07-14T21:00:00Z" },
        { """{"action":"add","circuits":["rue-basly","grand-place"],"level":100,"until":"2026-07-14T20:00:00Z"}""", "circuit 'grand-place' is not one of the site's circuits" },
        { """{"action":"add","all":true,"level":101,"until":"2026-07-14T20:00:00Z"}""", "level 101 is not a level from 0 to 100 %" },
        { """{"action":"cancel"}""", "id is missing" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Handle_BadRequest_RepliesNotAppliedNamingWhatIsWrong(string json, string expected)
    {
        var result = Handle(json);

        Assert.Equal(OverrideResultKind.Refused, result.Kind);
        var reply = ReplyJson(result);
        Assert.False(reply.GetProperty("applied").GetBoolean());
        Assert.Contains(expected, reply.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(ReplyJson(Handle("""{"action":"list"}""")).GetProperty("overrides").EnumerateArray());
    }

    [Fact]
    public void Cancel_UnknownId_IsNotFound()
    {
        var result = Handle("""{"action":"cancel","id":"deadbeef"}""");

        Assert.Equal(OverrideResultKind.NotFound, result.Kind);
        Assert.Equal("no override has id 'deadbeef' (it may have expired)", ReplyJson(result).GetProperty("error").GetString());
    }

    [Fact]
    public void Handle_ActionOtherThanTheImpliedOne_IsRefused()
    {
        var result = commands.Handle("""{"action":"list"}"""u8, impliedAction: "add");

        Assert.Equal(OverrideResultKind.Refused, result.Kind);
        Assert.Contains("action 'list' is not taken here, only add", ReplyJson(result).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private OverrideResult Handle(string json) => commands.Handle(Encoding.UTF8.GetBytes(json));

    private static JsonElement ReplyJson(OverrideResult result) =>
        JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(result.Reply, OverrideJsonContext.Readable.OverrideReply)).RootElement.Clone();
}
