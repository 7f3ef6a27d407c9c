import type { HttpAuthService, UserInfoService } from '@backstage/backend-plugin-api';
import { peerFeedbackSurveySchema } from '@majorops/plugin-majorops-common';
import express from 'express';
import { z } from 'zod';
import { parseInput } from '../service/validation';
import { SurveyService } from './SurveyService';

export interface SurveyRouteOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  service: SurveyService;
}

const surveyIdSchema = z.string().trim().min(1).max(64);

/**
 * The signed-in user's own peer surveys. Listing and answering one's own
 * surveys needs only to be signed in as a user (no permission: a survey is
 * addressed to one person, and the rater is always the caller, never a body
 * field). A survey of someone else answers 404, like one that does not
 * exist, so survey ids reveal nothing. No route returns an answer: the
 * reputation service reads aggregates through `PeerFeedbackReader` only.
 */
export function addSurveyRoutes(router: express.Router, options: SurveyRouteOptions) {
  const { httpAuth, userInfo, service } = options;

  async function signedInUser(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    return { credentials, userRef: userEntityRef.toLocaleLowerCase('en-US') };
  }

  router.get('/surveys/pending', async (req, res) => {
    const { credentials, userRef } = await signedInUser(req);
    res.json({ items: await service.listPending(userRef, credentials) });
  });

  router.post('/surveys/:surveyId/responses', async (req, res) => {
    const { userRef } = await signedInUser(req);
    const surveyId = parseInput(surveyIdSchema, req.params.surveyId, 'survey id');
    const body = parseInput(peerFeedbackSurveySchema, req.body, 'survey answer');
    await service.answer(surveyId, userRef, body);
    res.status(201).json({ surveyId, answered: true });
  });
}
