using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>How an override request ended, for the HTTP status that carries the reply.</summary>
internal enum OverrideResultKind
{
    /// <summary>Listed or cancelled (200).</summary>
    Done,

    /// <summary>Added (201).</summary>
    Created,

    /// <summary>The request is not possible; the reply says why (400).</summary>
    Refused,

    /// <summary>No override has that id (404).</summary>
    NotFound,

    /// <summary>The change could not be kept on disk (500).</summary>
    Failed,
}

/// <summary>A reply and how the request ended.</summary>
internal sealed record OverrideResult(OverrideResultKind Kind, OverrideReply Reply);

/// <summary>
/// The one handler of override requests, whether they come over HTTP or MQTT: reads the JSON request, applies it to
/// the <see cref="OverrideStore"/>, and answers with what was done or what was wrong.
/// </summary>
internal sealed class OverrideCommands(OverrideStore store, TimeProvider timeProvider, ILogger<OverrideCommands> logger)
{
    /// <summary>Handles a JSON request; never throws for what the request holds.</summary>
    /// <param name="json">The request.</param>
    /// <param name="impliedAction">The only action taken (an HTTP POST adds), which the request may then leave out.</param>
    public OverrideResult Handle(ReadOnlySpan<byte> json, string? impliedAction = null)
    {
        OverrideRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(json, OverrideJsonContext.Readable.OverrideRequest);
        }
        catch (JsonException exception)
        {
            return Refused($"the request is not valid JSON: {exception.Message}");
        }

        if (request is null)
        {
            return Refused("the request is empty: expected a JSON object with an action");
        }

        if (impliedAction is not null)
        {
            request.Action ??= impliedAction;
            if (request.Action != impliedAction)
            {
                return Refused($"action '{request.Action}' is not taken here, only {impliedAction}");
            }
        }

        return Handle(request);
    }

    /// <summary>Handles a request already read.</summary>
    public OverrideResult Handle(OverrideRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return request.Action switch
            {
                "add" => Add(request),
                "cancel" => Cancel(request.Id),
                "list" => List(),
                null => Refused("action is missing: expected add, cancel or list"),
                _ => Refused($"action '{request.Action}' is not one of add, cancel, list"),
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The store logged it; the sender learns that nothing changed.
            return new OverrideResult(OverrideResultKind.Failed, new OverrideReply(false, Error: $"not applied: the gateway cannot keep overrides on disk: {exception.Message}"));
        }
    }

    /// <summary>Adds an override; refused when <paramref name="request"/> names no circuit and not all, or both.</summary>
    private OverrideResult Add(OverrideRequest request)
    {
        if (request.All && request.Circuits is { Count: > 0 })
        {
            return Refused("give circuits or all, not both");
        }

        if (!request.All && request.Circuits is null)
        {
            return Refused("circuits is missing: name the circuits, or give \"all\": true");
        }

        if (request.Level is not { } level)
        {
            return Refused("level is missing: a level from 0 to 100 %");
        }

        var from = timeProvider.GetUtcNow();
        if (request.From is { } fromText && OverrideTimes.TryParseInstant("from", fromText, out from) is { } fromProblem)
        {
            return Refused(fromProblem);
        }

        if (request.Until is not { } untilText)
        {
            return Refused("until is missing: when the override expires, ISO 8601 with its offset");
        }

        if (OverrideTimes.TryParseInstant("until", untilText, out var until) is { } untilProblem)
        {
            return Refused(untilProblem);
        }

        var outcome = store.Add(request.All ? null : request.Circuits, level, from, until, request.Reason);
        return outcome.Override is { } added
            ? new OverrideResult(OverrideResultKind.Created, new OverrideReply(true, OverrideView.Of(added)))
            : Refused(outcome.Refusal!);
    }

    private OverrideResult Cancel(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return Refused("id is missing: the id of the override to cancel, as listed");
        }

        var cancelled = store.All(timeProvider.GetUtcNow()).FirstOrDefault(o => o.Id == id);
        return cancelled is not null && store.Cancel(id)
            ? new OverrideResult(OverrideResultKind.Done, new OverrideReply(true, OverrideView.Of(cancelled)))
            : new OverrideResult(OverrideResultKind.NotFound, new OverrideReply(false, Error: $"no override has id '{id}' (it may have expired)"));
    }

    private OverrideResult List() =>
        new(OverrideResultKind.Done, new OverrideReply(true, Overrides: [.. store.All(timeProvider.GetUtcNow()).Select(OverrideView.Of)]));

    private OverrideResult Refused(string error)
    {
        OverrideLog.Refused(logger, error);
        return new OverrideResult(OverrideResultKind.Refused, new OverrideReply(false, Error: error));
    }
}
