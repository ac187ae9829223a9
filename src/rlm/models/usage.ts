// Token counts for a response. When a server reports none (or only part), the gap is a rough chars/4 estimate and
// the response says so, so budgets still move and reports can mark the numbers as approximate.
import type { ChatMessage, ChatRequest, ChatResponse, TokenUsage } from './types';

/**
 * The most characters a reply may have for an output cap of `maxOutputTokens` (tokens average 3-4 characters; 6
 * leaves room for any real reply that stopped at the cap). Past it a reply is cut: a server that ignores the cap
 * must not grow the history without bound. No cap given: 1 M characters.
 */
export function replyCharCap(maxOutputTokens: number | undefined): number {
  return maxOutputTokens && maxOutputTokens > 0 ? maxOutputTokens * 6 : 1_000_000;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function estimateUsage(messages: ChatMessage[], outputText: string): TokenUsage {
  return {
    inputTokens: estimateTokens(messages.map((m) => m.content).join('')),
    outputTokens: estimateTokens(outputText),
  };
}

/** Builds the ChatResponse, filling missing token counts with estimates. */
export function buildResponse(
  request: ChatRequest,
  text: string,
  reported: Partial<TokenUsage> | undefined,
  model: string,
  finishReason?: string,
): ChatResponse {
  const estimate = estimateUsage(request.messages, text);
  const inputTokens = reported?.inputTokens ?? estimate.inputTokens;
  const outputTokens = reported?.outputTokens ?? estimate.outputTokens;
  const response: ChatResponse = { text, usage: { inputTokens, outputTokens }, model };
  if (reported?.cachedInputTokens) response.usage.cachedInputTokens = reported.cachedInputTokens;
  if (finishReason) response.finishReason = finishReason;
  if (reported?.inputTokens === undefined || reported?.outputTokens === undefined) response.usageEstimated = true;
  return response;
}
